// The sandbox holds, whatever the module does to make a request cheaper
// (reused memories, a cheaper watchdog): every out-of-bounds access traps, on
// every access width, at the memory's current size, before and after
// memory.grow; a runaway loop is stopped by wasm_time_limit; a trap leaves the
// worker serving; and no request sees another request's bytes — memories (and tables)
// reused across requests on the same worker start as a fresh instance's would
// (only the data segments), while one request's instance keeps its memory
// across yields and body-filter chunks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";

const WIDTHS = [
  { w: 1, load: "i32.load8_u", store: "i32.store8", t: "i32" },
  { w: 2, load: "i32.load16_u", store: "i32.store16", t: "i32" },
  { w: 4, load: "i32.load", store: "i32.store", t: "i32" },
  { w: 8, load: "i64.load", store: "i64.store", t: "i64" },
] as const;

/** Distances back from the memory's end: `w` is the last in-bounds access, the others trap. */
function cases(w: number): { name: string; back: number; ok: boolean }[] {
  return [
    { name: "last", back: w, ok: true },
    ...(w > 1 ? [{ name: "straddle", back: w - 1, ok: false }] : []),
    ...(w > 2 ? [{ name: "straddle1", back: 1, ok: false }] : []),
    { name: "at", back: 0, ok: false },
    { name: "past", back: -65536, ok: false }, // one page beyond the end
  ];
}

/**
 * Exports `<op><w>_<case>_<g0|g1|g2>`: with g1 the handler first grows memory
 * by 2 pages; with g2 it stores and loads in bounds before growing (so the
 * compiled code has the memory's base and size at hand when it grows: the
 * access after must see the new ones).
 */
function boundaryExports(): { name: string; ok: boolean }[] {
  const out: { name: string; ok: boolean }[] = [];
  for (const { w } of WIDTHS)
    for (const c of cases(w))
      for (const op of ["load", "store"])
        for (const g of ["g0", "g1", "g2"]) out.push({ name: `${op}${w}_${c.name}_${g}`, ok: c.ok });
  return out;
}

function boundaryWat(): string {
  const funcs: string[] = [];
  for (const { w, load, store, t } of WIDTHS)
    for (const c of cases(w))
      for (const op of ["load", "store"])
        for (const g of ["g0", "g1", "g2"]) {
          const before = g === "g2" ? `(i32.store8 (i32.const 16) (i32.load8_u (i32.const 0)))` : "";
          const grow = g !== "g0" ? `${before}(if (i32.eq (memory.grow (i32.const 2)) (i32.const -1)) (then unreachable))` : "";
          const addr = `(i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const ${c.back}))`;
          const access =
            op === "load" ? `(drop (${load} ${addr}))` : `(${store} ${addr} (${t}.const ${t === "i64" ? "0x1122334455667788" : "0x55667788"}))`;
          funcs.push(`(func (export "${op}${w}_${c.name}_${g}") (result i32)
    ${grow}
    ${access}
    (call $ngx_wasm_resp_write (i32.const 0) (i32.const 3)))`);
        }
  // the address's wrap-around: 0xffffffff, and an offset immediate that crosses the end
  funcs.push(`(func (export "wrap") (result i32)
    (drop (i32.load8_u (i32.const -1)))
    (call $ngx_wasm_resp_write (i32.const 0) (i32.const 3)))`);
  funcs.push(`(func (export "offset") (result i32)
    (drop (i32.load offset=65533 (i32.const 0)))
    (call $ngx_wasm_resp_write (i32.const 0) (i32.const 3)))`);
  funcs.push(`(func (export "loop") (result i32) (loop $l (br $l)) (i32.const 0))`);
  funcs.push(`(func (export "ok") (result i32) (call $ngx_wasm_resp_write (i32.const 0) (i32.const 3)))`);
  return `(data (i32.const 0) "ok\\n")\n  ${funcs.join("\n  ")}`;
}

/*
 * The secret guest. Data: "clean\n" at 0, "dirty\n" at 8; bytes 6, 7 and 14.. are
 * zero in a fresh instance.
 *  - write_N: grow by N pages, then fill every byte of memory (data segments
 *    included) with 0xA5 — the "secret" — and answer 204-ish empty 200.
 *  - scan_N: grow by N pages, then check that bytes 6, 7 and 14..size are all zero and
 *    that the data segment is intact; "clean\n" or "dirty\n".
 */
function secretWat(): string {
  const fn = (n: number): string => `
  (func (export "write_${n}") (result i32) (local $i i32) (local $end i32)
    (if (i32.lt_s (memory.grow (i32.const ${n})) (i32.const 0)) (then unreachable))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (i32.store (local.get $i) (i32.const 0xa5a5a5a5))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (i32.const 0))
  (func (export "scan_${n}") (result i32)
    (if (i32.lt_s (memory.grow (i32.const ${n})) (i32.const 0)) (then unreachable))
    (call $scan))
  ;; the other ways bytes get written: the host (var_get into the last
  ;; 64 bytes), memory.fill, memory.copy
  (func (export "host_write_${n}") (result i32) (local $end i32)
    (if (i32.lt_s (memory.grow (i32.const ${n})) (i32.const 0)) (then unreachable))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (drop (call $ngx_wasm_var_get (i32.const 16) (i32.const 11) (i32.sub (local.get $end) (i32.const 64)) (i32.const 64)))
    (i32.const 0))
  (func (export "fill_${n}") (result i32) (local $end i32)
    (if (i32.lt_s (memory.grow (i32.const ${n})) (i32.const 0)) (then unreachable))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (memory.fill (i32.sub (local.get $end) (i32.const 4096)) (i32.const 0xa5) (i32.const 4096))
    (i32.const 0))
  (func (export "copy_${n}") (result i32) (local $end i32)
    (if (i32.lt_s (memory.grow (i32.const ${n})) (i32.const 0)) (then unreachable))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (memory.copy (i32.sub (local.get $end) (i32.const 6)) (i32.const 8) (i32.const 6))
    (i32.const 0))`;
  return `
  (data (i32.const 0) "clean\\n\\00\\00dirty\\n\\00\\00request_uri")
  (func $scan (result i32) (local $i i32) (local $end i32)
    (if (i32.load16_u (i32.const 6))
      (then (return (call $ngx_wasm_resp_write (i32.const 8) (i32.const 6)))))
    (local.set $i (i32.const 27))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (if (i32.load8_u (local.get $i))
        (then (return (call $ngx_wasm_resp_write (i32.const 8) (i32.const 6)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (if (i64.ne (i64.load (i32.const 8)) (i64.const 0x0a7974726964)) ;; "dirty\\n" little-endian
      (then (return (call $ngx_wasm_resp_write (i32.const 8) (i32.const 6)))))
    (call $ngx_wasm_resp_write (i32.const 0) (i32.const 6)))
  ${fn(0)}
  ${fn(1)}
  ${fn(3)}
  ;; a table the module keeps per worker too: slot 0 is set by the element
  ;; segment, slots 1..3 start null in every request
  (table $t 4 4 funcref)
  (elem (table $t) (i32.const 0) func $scan)
  (func (export "table_write") (result i32)
    (table.set $t (i32.const 1) (ref.func $scan))
    (table.set $t (i32.const 3) (ref.func $scan))
    (i32.const 0))
  (func (export "table_scan") (result i32)
    (if (i32.or (ref.is_null (table.get $t (i32.const 0)))
                (i32.eqz (i32.and (ref.is_null (table.get $t (i32.const 1)))
                                  (ref.is_null (table.get $t (i32.const 3))))))
      (then (return (call $ngx_wasm_resp_write (i32.const 8) (i32.const 6)))))
    (call $ngx_wasm_resp_write (i32.const 0) (i32.const 6)))
  ;; yield: the counter at 1024 (memory) and the global must agree on every
  ;; invocation of one request, and start at 0 in every request
  (global $n (mut i32) (i32.const 0))
  (func (export "yield_count") (result i32)
    (if (i32.ne (i32.load (i32.const 1024)) (global.get $n))
      (then (return (call $ngx_wasm_resp_write (i32.const 8) (i32.const 6)))))
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (i32.store (i32.const 1024) (global.get $n))
    (if (i32.lt_u (global.get $n) (i32.const 4))
      (then (drop (call $ngx_wasm_yield)) (return (i32.const 0))))
    ;; leave a secret behind for the next request
    (i32.store (i32.const 2048) (i32.const 0xa5a5a5a5))
    (call $ngx_wasm_resp_write (i32.const 0) (i32.const 6)))
  ;; body filter: counts chunks in memory and in a global; the output is only
  ;; the verdict, on the last chunk
  (func (export "filter_count") (result i32)
    (if (i32.ne (i32.load (i32.const 1024)) (global.get $n))
      (then (i32.store (i32.const 1028) (i32.const 1))))
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (i32.store (i32.const 1024) (global.get $n))
    (if (i32.eq (call $ngx_wasm_resp_get_body_chunk_eof) (i32.const 1))
      (then
        (if (i32.or (i32.load (i32.const 1028)) (i32.lt_u (global.get $n) (i32.const 3)))
          (then (return (call $ngx_wasm_resp_set_body_chunk (i32.const 8) (i32.const 6)))))
        (return (call $ngx_wasm_resp_set_body_chunk (i32.const 0) (i32.const 6)))))
    (call $ngx_wasm_resp_set_body_chunk (i32.const 0) (i32.const 0)))`;
}

describe("the sandbox holds (nginx)", () => {
  let ngx: Nginx;
  const exports = boundaryExports();

  beforeAll(async () => {
    ngx = await Nginx.create("sandbox");
    const b = ngx.addFile("wasm/boundary.wasm", await abiGuest(boundaryWat()));
    const secret = await abiGuest(secretWat());
    const s = ngx.addFile("wasm/secret.wasm", secret);
    const s2 = ngx.addFile("wasm/secret2.wasm", secret); // another guest, same memory size
    ngx.addFile("html/big.txt", "x".repeat(200_000));
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        root html;
        wasm_time_limit 50ms;
${exports.map((e) => `        location = /b/${e.name} { content_by_wasm ${b} ${e.name}; }`).join("\n")}
        location = /b/wrap   { content_by_wasm ${b} wrap; }
        location = /b/offset { content_by_wasm ${b} offset; }
        location = /b/ok     { content_by_wasm ${b} ok; }
        location = /loop     { content_by_wasm ${b} loop; }
        location = /loop200  { wasm_time_limit 200ms; content_by_wasm ${b} loop; }
        location = /s/write_0 { content_by_wasm ${s} write_0; }
        location = /s/write_1 { content_by_wasm ${s} write_1; }
        location = /s/write_3 { content_by_wasm ${s} write_3; }
${["host_write", "fill", "copy"].flatMap((f) => [0, 1, 3].map((n) => `        location = /s/${f}_${n} { content_by_wasm ${s} ${f}_${n}; }`)).join("\n")}
        location = /s/scan_0  { content_by_wasm ${s} scan_0; }
        location = /s/scan_1  { content_by_wasm ${s} scan_1; }
        location = /s/scan_3  { content_by_wasm ${s} scan_3; }
        location = /s2/scan_0 { content_by_wasm ${s2} scan_0; }
        location = /s2/scan_3 { content_by_wasm ${s2} scan_3; }
        location = /s/yield   { content_by_wasm ${s} yield_count; }
        location = /s/table_write { content_by_wasm ${s} table_write; }
        location = /s/table_scan  { content_by_wasm ${s} table_scan; }
        location = /s2/table_scan { content_by_wasm ${s2} table_scan; }
        location = /big.txt  { output_buffers 2 4k; body_filter_by_wasm ${s} filter_count; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  /** The request traps: 500, one log line naming the export and an out-of-bounds trap, the worker still serves. */
  async function expectTrap(path: string, exportName: string, reason: RegExp): Promise<void> {
    const workers = ngx.workerPids();
    const mark = ngx.logSize();
    const res = await ngx.get(path);
    expect(res.status, path).toBe(500);
    const line = await ngx.waitForLog(new RegExp(`export "${exportName}"`), mark);
    expect(line).toMatch(reason);
    const lines = ngx.errorLogSince(mark).split("\n").filter((l) => l.includes(`export "${exportName}"`));
    expect(lines).toHaveLength(1);
    const next = await ngx.get("/b/ok");
    expect(next.status).toBe(200);
    expect(next.text).toBe("ok\n");
    expect(ngx.workerPids()).toEqual(workers);
  }

  it("loads and stores of 1, 2, 4 and 8 bytes: the last in-bounds access works, every access past the end traps, before and after memory.grow", async () => {
    for (const e of exports) {
      if (e.ok) {
        const res = await ngx.get(`/b/${e.name}`);
        expect(`${e.name}: ${res.status} ${res.text}`).toBe(`${e.name}: 200 ok\n`);
      } else {
        await expectTrap(`/b/${e.name}`, e.name, /out of bounds memory access/);
      }
    }
  });

  it("an address that wraps past 4 GiB and an offset immediate crossing the end trap", async () => {
    await expectTrap("/b/wrap", "wrap", /out of bounds memory access/);
    await expectTrap("/b/offset", "offset", /out of bounds memory access/);
  });

  it("a runaway loop is stopped by wasm_time_limit, again and again, and the worker serves on", async () => {
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await expectTrap("/loop", "loop", /time limit exceeded/);
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
    const t0 = Date.now();
    await expectTrap("/loop200", "loop", /time limit exceeded/);
    const ms = Date.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(190); // not before its limit
    expect(ms).toBeLessThan(1_500);
  });

  it("a memory reused by the next request holds none of the previous request's bytes (same size, grown, another guest)", async () => {
    const pairs: [string, string][] = [
      ["/s/write_0", "/s/scan_0"],
      ["/s/write_0", "/s2/scan_0"],
      ["/s/write_1", "/s/scan_1"],
      ["/s/write_1", "/s/scan_0"],
      ["/s/write_3", "/s/scan_3"],
      ["/s/write_3", "/s2/scan_3"],
      ["/s/write_3", "/s/scan_0"],
      ["/s/write_3", "/s/scan_1"],
      ["/s/write_0", "/s/scan_3"],
      ["/s/write_1", "/s2/scan_3"],
      // written by the host, by memory.fill, by memory.copy
      ...["host_write", "fill", "copy"].flatMap((f): [string, string][] => [
        [`/s/${f}_0`, "/s/scan_0"],
        [`/s/${f}_1`, "/s/scan_1"],
        [`/s/${f}_3`, "/s2/scan_3"],
      ]),
    ];
    for (let round = 0; round < 3; round++) {
      for (const [write, scan] of pairs) {
        const w = await ngx.get(write);
        expect(w.status, write).toBe(200);
        const res = await ngx.get(scan);
        expect(`${write} then ${scan}: ${res.text}`).toBe(`${write} then ${scan}: clean\n`);
      }
    }
    // after a trap mid-request too (the memory may have been left dirty)
    await ngx.get("/s/write_3");
    await expectTrap("/b/store8_at_g1", "store8_at_g1", /out of bounds/);
    expect((await ngx.get("/s/scan_3")).text).toBe("clean\n");
    expect((await ngx.get("/s/scan_0")).text).toBe("clean\n");
  });

  it("a table reused by the next request holds only what its element segment puts there", async () => {
    expect((await ngx.get("/s/table_scan")).text).toBe("clean\n");
    for (let round = 0; round < 3; round++) {
      for (const scan of ["/s/table_scan", "/s2/table_scan"]) {
        expect((await ngx.get("/s/table_write")).status).toBe(200);
        expect(`then ${scan}: ${(await ngx.get(scan)).text}`).toBe(`then ${scan}: clean\n`);
      }
    }
  });

  it("a yielding guest keeps its memory across its invocations of one request, and the next request starts clean", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await ngx.get("/s/yield");
      expect(res.text).toBe("clean\n");
      expect((await ngx.get("/s/scan_0")).text).toBe("clean\n");
    }
  });

  it("a body filter keeps its memory across the chunks of one response, and the next response starts clean", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await ngx.get("/big.txt");
      expect(res.status).toBe(200);
      expect(res.text).toBe("clean\n");
      expect((await ngx.get("/s/scan_1")).text).toBe("clean\n");
    }
  });
});
