// Invocation patterns: yield, subrequests, the body filter's per-chunk calls;
// and the remaining areas: time, balancer, SSL.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Host, type SubrequestCall } from "../../host/index.js";
import { data, runHandler, str } from "./helpers.js";

const stage = "(global $stage (mut i32) (i32.const 0))";

describe("yield", () => {
  it("re-invokes the export on the same instance: globals and memory are kept", async () => {
    const r = await runHandler({
      items: `${stage} ${data(0, "resumed")}`,
      body: `(if (i32.eqz (global.get $stage)) (then
               (global.set $stage (i32.const 1))
               (i32.store8 (i32.const 0) (i32.const 82)) ;; "R" into memory before yielding
               (drop (call $ngx_wasm_yield))
               (return (i32.const 0))))
             (drop (call $ngx_wasm_resp_write ${str(0, "resumed")}))
             (i32.const 0)`,
    });
    expect(r).toMatchObject({ ok: true, invocations: 2, body: "Resumed", status: 200 });
  });

  it("stops at maxInvocations with a clear failure", async () => {
    const r = await runHandler("(drop (call $ngx_wasm_yield)) (i32.const 0)", { maxInvocations: 5 });
    expect(r).toMatchObject({ ok: false, status: 500, invocations: 5 });
    expect(r.trap?.kind).toBe("too_many_invocations");
    expect(r.error).toMatch(/^guest "test" export "handler" \(phase content\) failed: too_many_invocations: too many re-invocations/);
  });

  it("a non-zero return after yield is a failure and is not re-invoked", async () => {
    const r = await runHandler("(drop (call $ngx_wasm_yield)) (i32.const 3)");
    expect(r).toMatchObject({ ok: false, invocations: 1, returnCode: 3 });
  });
});

describe("subrequests", () => {
  // stage 0: stage a header and launch (a second launch while one is active is -2);
  // stage 1: read status, header and body of the result, launch a second one without headers;
  // stage 2: answer with what was read.
  const guest = {
    items: `${stage}
      ${data(0, "X-Sub")}${data(10, "one")}${data(20, "/auth")}${data(30, "a=1")}${data(40, "x-reply")}${data(60, "/log")}`,
    body: `(local $n i32)
      (if (i32.eqz (global.get $stage)) (then
        (global.set $stage (i32.const 1))
        (drop (call $ngx_wasm_subreq_set_header ${str(0, "X-Sub")} ${str(10, "one")}))
        (if (call $ngx_wasm_subreq ${str(20, "/auth")} ${str(30, "a=1")} (i32.const 2) (i32.const 1)) (then (return (i32.const 10))))
        (if (i32.ne (call $ngx_wasm_subreq ${str(20, "/auth")} ${str(30, "a=1")} (i32.const 2) (i32.const 1)) (i32.const -2))
          (then (return (i32.const 11))))
        (return (i32.const 0))))
      (if (i32.eq (global.get $stage) (i32.const 1)) (then
        (global.set $stage (i32.const 2))
        ;; body at 1000: first its length at 996 (as status later), then up to 64 bytes
        (i32.store (i32.const 996) (call $ngx_wasm_subreq_get_body_len))
        (i32.store (i32.const 992) (call $ngx_wasm_subreq_get_body (i32.const 1000) (i32.const 64)))
        (i32.store (i32.const 988) (call $ngx_wasm_subreq_get_header ${str(40, "x-reply")} (i32.const 1100) (i32.const 64)))
        (i32.store (i32.const 984) (call $ngx_wasm_subreq_get_status))
        (if (call $ngx_wasm_subreq ${str(60, "/log")} (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 0)) (then (return (i32.const 12))))
        (return (i32.const 0))))
      ;; stage 2: the /log subrequest did not capture its body
      (if (i32.ne (call $ngx_wasm_subreq_get_body_len) (i32.const -2)) (then (return (i32.const 13))))
      (drop (call $ngx_wasm_resp_set_status (i32.load (i32.const 984))))
      (drop (call $ngx_wasm_resp_write (i32.const 1000) (i32.load (i32.const 992))))
      (drop (call $ngx_wasm_resp_set_header ${str(40, "x-reply")} (i32.const 1100) (i32.load (i32.const 988))))
      (i32.const 0)`,
  };

  it("launch, resolve through options.subrequest, re-invoke, read the result; headers go with one launch", async () => {
    const seen: SubrequestCall[] = [];
    const r = await runHandler(guest, {
      subrequest: (sr) => {
        seen.push(sr);
        return sr.uri === "/auth" ? { status: 203, headers: { "X-Reply": "yes" }, body: "payload" } : { status: 204, body: "ignored" };
      },
    });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ ok: true, invocations: 3, status: 203, body: "payload", headers: { "x-reply": "yes" } });
    expect(r.subrequests).toEqual([
      { uri: "/auth", args: "a=1", method: 2, options: 1, headers: { "x-sub": "one" } },
      { uri: "/log", args: "", method: 8, options: 0, headers: {} },
    ]);
    expect(seen).toEqual(r.subrequests);
  });

  it("an async resolver works the same", async () => {
    const r = await runHandler(guest, {
      subrequest: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { status: 200, headers: { "x-reply": "later" }, body: new Uint8Array([111, 107]) };
      },
    });
    expect(r).toMatchObject({ ok: true, status: 200, body: "ok", headers: { "x-reply": "later" } });
  });

  it("without a resolver a subrequest answers 502 and the host says why in the logs", async () => {
    const r = await runHandler(guest);
    expect(r).toMatchObject({ ok: true, status: 502, body: "" });
    expect(r.logs[0]).toEqual({
      level: 5,
      levelName: "WARN",
      source: "host",
      message: 'subrequest to "/auth" answered 502: no RunOptions.subrequest resolver was given',
    });
  });

  it("a resolver that throws fails the run with host_error", async () => {
    const r = await runHandler(guest, {
      subrequest: () => {
        throw new Error("backend down");
      },
    });
    expect(r).toMatchObject({ ok: false, status: 500, trap: { kind: "host_error", message: "the subrequest resolver threw: backend down" } });
  });

  it("before any subrequest finished, the getters return -2", async () => {
    for (const call of ["(call $ngx_wasm_subreq_get_status)", "(call $ngx_wasm_subreq_get_body_len)", "(call $ngx_wasm_subreq_get_body (i32.const 0) (i32.const 4))"]) {
      expect((await runHandler(call)).returnCode).toBe(-2);
    }
  });

  it("get_body returns the bytes copied, not the full length", async () => {
    const r = await runHandler(
      {
        items: `${stage}${data(0, "/x")}`,
        body: `(if (i32.eqz (global.get $stage)) (then (global.set $stage (i32.const 1))
                 (return (call $ngx_wasm_subreq ${str(0, "/x")} (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1)))))
               (drop (call $ngx_wasm_resp_set_status (i32.add (i32.const 200) (call $ngx_wasm_subreq_get_body (i32.const 100) (i32.const 3)))))
               (drop (call $ngx_wasm_resp_write (i32.const 100) (i32.const 3)))
               (i32.const 0)`,
      },
      { subrequest: () => ({ status: 200, body: "abcdef" }) },
    );
    expect(r).toMatchObject({ status: 203, body: "abc" });
  });

  it("refuses a uri without a leading slash, an unknown method or unknown option bits", async () => {
    for (const [uri, method, options] of [["x", 2, 0], ["/x", 3, 0], ["/x", 2, 2]] as const) {
      const r = await runHandler({
        items: data(0, uri),
        body: `(call $ngx_wasm_subreq ${str(0, uri)} (i32.const 0) (i32.const 0) (i32.const ${method}) (i32.const ${options}))`,
      });
      expect(r.returnCode, `${uri} ${method} ${options}`).toBe(-2);
      expect(r.subrequests).toEqual([]);
    }
  });
});

describe("body filter", () => {
  // Count invocations in a global; chunks of 1 byte pass through, longer ones are cut to
  // 2 bytes, and the last chunk is replaced by the invocation count as a digit.
  const filter = {
    items: "(global $calls (mut i32) (i32.const 0))",
    body: `(local $n i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (local.set $n (call $ngx_wasm_resp_get_body_chunk (i32.const 100) (i32.const 64)))
      (if (i32.eq (call $ngx_wasm_resp_get_body_chunk_eof) (i32.const 1)) (then
        (i32.store8 (i32.const 0) (i32.add (i32.const 48) (global.get $calls)))
        (return (call $ngx_wasm_resp_set_body_chunk (i32.const 0) (i32.const 1)))))
      (if (i32.gt_s (local.get $n) (i32.const 1)) (then
        (return (call $ngx_wasm_resp_set_body_chunk (i32.const 100) (i32.const 2)))))
      (i32.const 0)`,
  };

  it("calls the export once per chunk on one instance, eof on the last; set_body_chunk replaces, otherwise pass-through", async () => {
    const r = await runHandler(filter, { phase: "body_filter", response: { status: 200, chunks: ["a", "hello", new Uint8Array([122])] } });
    expect(r).toMatchObject({ ok: true, invocations: 3, body: "ahe3", status: 200 });
    expect(r.chunks.map((c) => new TextDecoder().decode(c))).toEqual(["a", "he", "3"]);
  });

  it("without chunks the filter still sees one empty last chunk", async () => {
    const r = await runHandler(filter, { phase: "body_filter" });
    expect(r).toMatchObject({ ok: true, invocations: 1, body: "1" });
  });

  it("a failing chunk stops the filter; the output so far is kept", async () => {
    const r = await runHandler(
      { body: `(if (i32.eq (call $ngx_wasm_resp_get_body_chunk (i32.const 0) (i32.const 0)) (i32.const 2)) (then unreachable)) (i32.const 0)` },
      { phase: "body_filter", response: { chunks: ["x", "yy", "z"] } },
    );
    expect(r).toMatchObject({ ok: false, invocations: 2, body: "x", status: 200 });
    expect(r.trap?.kind).toBe("unreachable");
  });
});

describe("time", () => {
  const readTime = (fn: string, len = 8) =>
    `(local $rc i32) (local.set $rc (call $${fn} (i32.const 100) (i32.const ${len})))
     (if (local.get $rc) (then (return (local.get $rc))))
     (drop (call $ngx_wasm_resp_write (i32.const 100) (i32.const 8))) (i32.const 0)`;
  const u64 = (bytes: Uint8Array) => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));

  it("writes the host clock as little-endian u64 milliseconds", async () => {
    const host = new Host({ clock: "manual" });
    host.clock.set(1_700_000_000_123);
    expect(u64((await runHandler(readTime("ngx_wasm_time_unix_ms"), {}, host)).bodyBytes)).toBe(1_700_000_000_123);
    const before = u64((await runHandler(readTime("ngx_wasm_time_monotonic_ms"), {}, host)).bodyBytes);
    host.clock.advance(250);
    expect(u64((await runHandler(readTime("ngx_wasm_time_monotonic_ms"), {}, host)).bodyBytes)).toBe(before + 250);
    expect(u64((await runHandler(readTime("ngx_wasm_time_unix_ms"), {}, host)).bodyBytes)).toBe(1_700_000_000_373);
  });

  it("the real clock is close to Date.now()", async () => {
    const t = u64((await runHandler(readTime("ngx_wasm_time_unix_ms"))).bodyBytes);
    expect(Math.abs(t - Date.now())).toBeLessThan(5000);
  });

  it("Clock: manual stands still; advance/set also work on a real clock as an offset", () => {
    const manual = new Host({ clock: "manual" }).clock;
    const t = manual.unixMs();
    expect(manual.unixMs()).toBe(t);
    manual.set(5000);
    manual.advance(10);
    expect([manual.unixMs(), manual.monotonicMs()]).toEqual([5010, 10]);
    const real = new Host().clock;
    real.advance(60_000);
    expect(real.unixMs() - Date.now()).toBeGreaterThanOrEqual(59_000);
    real.set(1000);
    expect(real.unixMs()).toBeLessThan(10_000);
    expect(() => real.advance(-1)).toThrow(RangeError);
  });

  it("a buffer shorter than 8 bytes is -2", async () => {
    expect((await runHandler(readTime("ngx_wasm_time_unix_ms", 7))).returnCode).toBe(-2);
  });
});

describe("balancer", () => {
  const setPeer = (i: number, peers?: number) =>
    runHandler(`(call $ngx_wasm_balancer_set_peer (i32.const ${i}))`, { phase: "balancer", upstream: peers ? { peers } : undefined });

  it("accepts an index below the number of peers and reports it", async () => {
    expect(await setPeer(2, 3)).toMatchObject({ ok: true, peer: 2 });
  });

  it("refuses an index out of range with -2 (one peer by default)", async () => {
    expect((await setPeer(3, 3)).returnCode).toBe(-2);
    expect((await setPeer(-1, 3)).returnCode).toBe(-2);
    expect((await setPeer(1)).returnCode).toBe(-2);
    expect(await setPeer(0)).toMatchObject({ ok: true, peer: 0 });
  });
});

describe("SSL", () => {
  const fixtures = join(import.meta.dirname, "fixtures");
  const cert = readFileSync(join(fixtures, "test.crt"), "utf8");
  const key = readFileSync(join(fixtures, "test.key"), "utf8");
  const wat = (s: string) => s.replace(/\n/g, "\\0a");

  it("client hello: reads the SNI (full length) and rejects with an alert", async () => {
    const r = await runHandler(
      `(local $n i32) (local.set $n (call $ngx_wasm_ssl_get_server_name (i32.const 100) (i32.const 64)))
       (drop (call $ngx_wasm_log (i32.const 7) (i32.const 100) (local.get $n)))
       (call $ngx_wasm_ssl_reject_handshake (i32.const 112))`,
      { phase: "ssl_client_hello", ssl: { serverName: "api.example.com" } },
    );
    expect(r).toMatchObject({ ok: true, sslRejectAlert: 112, status: 0 });
    expect(r.logs[0]!.message).toBe("api.example.com");
  });

  it("no SNI → -1", async () => {
    const r = await runHandler(`(call $ngx_wasm_ssl_get_server_name (i32.const 0) (i32.const 8))`, { phase: "ssl_client_hello" });
    expect(r.returnCode).toBe(-1);
  });

  const setCert = (c: string, k: string) =>
    runHandler(
      {
        items: `(data (i32.const 1000) "${wat(c)}") (data (i32.const 4000) "${wat(k)}")`,
        body: `(call $ngx_wasm_ssl_set_certificate (i32.const 1000) (i32.const ${c.length}) (i32.const 4000) (i32.const ${k.length}))`,
      },
      { phase: "ssl_certificate", ssl: { serverName: "ngxwasm.test" } },
    );

  it("set_certificate takes a PEM certificate and its matching key", async () => {
    const r = await setCert(cert, key);
    expect(r).toMatchObject({ ok: true, certificate: { cert, key } });
  });

  it("set_certificate refuses non-PEM data and a key that does not match (-2)", async () => {
    expect((await setCert("not a cert", key)).returnCode).toBe(-2);
    const other = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const r = await setCert(cert, other);
    expect(r.returnCode).toBe(-2);
    expect(r.certificate).toBeUndefined();
  });
});
