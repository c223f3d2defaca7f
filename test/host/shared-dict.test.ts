import { describe, expect, it } from "vitest";
import { Host, SHM_ENTRY_OVERHEAD } from "../../host/index.js";
import { data, runHandler, str } from "./helpers.js";

/** Run one shm call from a guest on `host` and return what it returned. */
async function shmCall(host: Host, call: string, items = ""): Promise<number> {
  const r = await runHandler({ items, body: call }, {}, host);
  if (r.trap) throw new Error(r.error);
  return r.returnCode!;
}

const K = (key: string) => `${data(0, key)}`;
const KV = (key: string, value: string) => `${data(0, key)}${data(400, value)}`;
const set = (host: Host, key: string, value: string) =>
  shmCall(host, `(call $ngx_wasm_shm_set ${str(0, key)} ${str(400, value)})`, KV(key, value));

describe("shared dict through the ABI", () => {
  it("set, get (full length, copy what fits), exists, delete", async () => {
    const host = new Host();
    expect(await set(host, "k", "value")).toBe(0);
    expect(host.shm.get("k")).toBe("value");
    const r = await runHandler(
      {
        items: K("k"),
        body: `(drop (call $ngx_wasm_resp_set_status (i32.add (i32.const 200) (call $ngx_wasm_shm_get ${str(0, "k")} (i32.const 100) (i32.const 3)))))
               (drop (call $ngx_wasm_resp_write (i32.const 100) (i32.const 3))) (i32.const 0)`,
      },
      {},
      host,
    );
    expect(r).toMatchObject({ status: 205, body: "val" });
    expect(await shmCall(host, `(call $ngx_wasm_shm_exists ${str(0, "k")})`, K("k"))).toBe(1);
    expect(await shmCall(host, `(call $ngx_wasm_shm_delete ${str(0, "k")})`, K("k"))).toBe(0);
    expect(await shmCall(host, `(call $ngx_wasm_shm_exists ${str(0, "k")})`, K("k"))).toBe(0);
    expect(await shmCall(host, `(call $ngx_wasm_shm_get ${str(0, "k")} (i32.const 100) (i32.const 3))`, K("k"))).toBe(-1);
    // deleting a missing key is fine
    expect(await shmCall(host, `(call $ngx_wasm_shm_delete ${str(0, "k")})`, K("k"))).toBe(0);
  });

  it("is byte-exact and shared across runs and with the JS API", async () => {
    const host = new Host();
    host.shm.set("bin", new Uint8Array([0, 255, 10]));
    const r = await runHandler(
      { items: K("bin"), body: `(drop (call $ngx_wasm_resp_write (i32.const 100) (call $ngx_wasm_shm_get ${str(0, "bin")} (i32.const 100) (i32.const 10)))) (i32.const 0)` },
      {},
      host,
    );
    expect([...r.bodyBytes]).toEqual([0, 255, 10]);
    // keys are bytes too: "a\00b" and "a" are different keys
    expect(await shmCall(host, `(call $ngx_wasm_shm_set (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 1))`, data(0, "a\\00b"))).toBe(0);
    expect(host.shm.has("a")).toBe(false);
    expect(host.shm.has("a\0b")).toBe(true);
  });

  it("add fails with -1 when the key exists, replace with -1 when it is missing", async () => {
    const host = new Host();
    const add = (v: string) => shmCall(host, `(call $ngx_wasm_shm_add ${str(0, "k")} ${str(400, v)})`, KV("k", v));
    const replace = (v: string) => shmCall(host, `(call $ngx_wasm_shm_replace ${str(0, "k")} ${str(400, v)})`, KV("k", v));
    expect(await replace("r0")).toBe(-1);
    expect(host.shm.has("k")).toBe(false);
    expect(await add("a1")).toBe(0);
    expect(await add("a2")).toBe(-1);
    expect(host.shm.get("k")).toBe("a1");
    expect(await replace("r1")).toBe(0);
    expect(host.shm.get("k")).toBe("r1");
  });

  it("keys of 1..256 bytes and values up to 65535 bytes; otherwise -2", async () => {
    const host = new Host();
    const setLen = (keyLen: number, valueLen: number) =>
      shmCall(host, `(call $ngx_wasm_shm_set (i32.const 0) (i32.const ${keyLen}) (i32.const 0) (i32.const ${valueLen}))`);
    expect(await setLen(256, 65535)).toBe(0);
    expect(await setLen(257, 1)).toBe(-2);
    expect(await setLen(0, 1)).toBe(-2);
    expect(await setLen(1, 65536)).toBe(-2);
    expect(await shmCall(host, `(call $ngx_wasm_shm_set_ex (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const -5))`)).toBe(-2);
  });

  it("set_ex expires after its TTL on the host clock (lazy expiry)", async () => {
    const host = new Host({ clock: "manual" });
    const setEx = (ttl: number) =>
      shmCall(host, `(call $ngx_wasm_shm_set_ex ${str(0, "t")} ${str(400, "v")} (i32.const ${ttl}))`, KV("t", "v"));
    const exists = () => shmCall(host, `(call $ngx_wasm_shm_exists ${str(0, "t")})`, K("t"));
    expect(await setEx(1000)).toBe(0);
    host.clock.advance(999);
    expect(await exists()).toBe(1);
    host.clock.advance(1);
    expect(await exists()).toBe(0);
    expect(host.shm.size).toBe(0);
    // ttl 0 = no expiry
    expect(await setEx(0)).toBe(0);
    host.clock.advance(10 ** 9);
    expect(await exists()).toBe(1);
    // the JS API uses the same clock
    host.shm.set("js", "1", 50);
    host.clock.set(host.clock.unixMs() + 50);
    expect(host.shm.get("js")).toBeUndefined();
  });

  it("an expired key counts as missing for add and replace", async () => {
    const host = new Host({ clock: "manual" });
    host.shm.set("k", "old", 10);
    host.clock.advance(10);
    expect(await shmCall(host, `(call $ngx_wasm_shm_replace ${str(0, "k")} ${str(400, "x")})`, KV("k", "x"))).toBe(-1);
    expect(await shmCall(host, `(call $ngx_wasm_shm_add ${str(0, "k")} ${str(400, "y")})`, KV("k", "y"))).toBe(0);
    expect(host.shm.get("k")).toBe("y");
  });

  it("evicts least-recently-used entries when the zone is full; reads count as use", async () => {
    const entry = 1 + 10 + SHM_ENTRY_OVERHEAD; // one-byte key, ten-byte value
    const host = new Host({ shm: { capacityBytes: entry * 3 } });
    for (const k of ["a", "b", "c"]) expect(await set(host, k, "0123456789")).toBe(0);
    expect(host.shm.bytesUsed).toBe(entry * 3);
    // touch "a" from the guest: now "b" is the least recently used
    expect(await shmCall(host, `(call $ngx_wasm_shm_get ${str(0, "a")} (i32.const 0) (i32.const 0))`, K("a"))).toBe(10);
    expect(await set(host, "d", "0123456789")).toBe(0);
    expect(host.shm.keys()).toEqual(["c", "a", "d"]);
    // an entry larger than the whole zone cannot be stored: -2, nothing evicted
    expect(await shmCall(host, `(call $ngx_wasm_shm_set ${str(0, "e")} (i32.const 0) (i32.const ${entry * 3}))`, K("e"))).toBe(-2);
    expect(host.shm.size).toBe(3);
  });

  it("evicts expired entries before live ones", async () => {
    const entry = 1 + 1 + SHM_ENTRY_OVERHEAD;
    const host = new Host({ shm: { capacityBytes: entry * 2 }, clock: "manual" });
    host.shm.set("a", "1");
    host.shm.set("b", "1", 5);
    host.clock.advance(5);
    host.shm.set("c", "1");
    expect(host.shm.keys()).toEqual(["a", "c"]);
  });
});

describe("shm_incr", () => {
  const incr = async (host: Host, delta: number) =>
    shmCall(host, `(call $ngx_wasm_shm_incr ${str(0, "n")} (i32.const ${delta}))`, K("n"));

  it("adds to an ASCII base-10 value and stores the result as text", async () => {
    const host = new Host();
    host.shm.set("n", "41");
    expect(await incr(host, 1)).toBe(42);
    expect(host.shm.get("n")).toBe("42");
    expect(await incr(host, -50)).toBe(-8);
    expect(host.shm.get("n")).toBe("-8");
  });

  it("fails with -2 on a missing key, a non-integer and overflow, leaving the value", async () => {
    const host = new Host();
    expect(await incr(host, 1)).toBe(-2);
    for (const bad of ["", "abc", "1.5", " 1", "+1", "0x10", "2147483648"]) {
      host.shm.set("n", bad);
      expect(await incr(host, 1), JSON.stringify(bad)).toBe(-2);
      expect(host.shm.get("n")).toBe(bad);
    }
    host.shm.set("n", "2147483647");
    expect(await incr(host, 1)).toBe(-2);
    host.shm.set("n", "-2147483648");
    expect(await incr(host, -1)).toBe(-2);
    expect(await incr(host, 0)).toBe(-2147483648);
  });

  it("a value that grows past the zone's capacity evicts the least recently used other entry", async () => {
    const host = new Host({ shm: { capacityBytes: 2 * (1 + 1 + SHM_ENTRY_OVERHEAD) } });
    host.shm.set("n", "9");
    host.shm.set("o", "x");
    expect(await incr(host, 1)).toBe(10);
    expect(host.shm.keys()).toEqual(["n"]);
    expect(host.shm.bytesUsed).toBe(1 + 2 + SHM_ENTRY_OVERHEAD);
  });

  it("keeps the entry's TTL", async () => {
    const host = new Host({ clock: "manual" });
    host.shm.set("n", "1", 100);
    host.clock.advance(60);
    expect(await incr(host, 1)).toBe(2);
    host.clock.advance(40);
    expect(host.shm.has("n")).toBe(false);
  });
});

describe("shared dict JS API", () => {
  it("get/getBytes/set/has/delete/keys/clear/size", () => {
    const host = new Host();
    host.shm.set("x", "1");
    host.shm.set("y", new Uint8Array([50]));
    expect(host.shm.get("y")).toBe("2");
    expect(host.shm.getBytes("x")).toEqual(new Uint8Array([49]));
    expect(host.shm.keys()).toEqual(["x", "y"]);
    expect(host.shm.delete("x")).toBe(true);
    expect(host.shm.delete("x")).toBe(false);
    expect(host.shm.size).toBe(1);
    host.shm.clear();
    expect(host.shm.size).toBe(0);
    expect(host.shm.bytesUsed).toBe(0);
    expect(() => host.shm.set("k".repeat(257), "v")).toThrow(/key must be 1\.\.256 bytes/);
  });
});
