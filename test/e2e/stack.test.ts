// Stack safety: guest functions run on the worker's own C stack, so a guest
// recursing through huge frames used to overflow it before the call-depth
// limit tripped (worker killed by SIGSEGV). The module now limits each
// guest's call depth by its largest frame (cc -fstack-usage), so at both
// edges — deep recursion of tiny frames, shallow recursion of huge frames —
// and in every phase the guest traps: 500 (or a cut response where the
// header is gone), one log line, the same worker serving the next request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";

/**
 * A function with `locals` i64 locals, all live across its recursive call (each
 * is loaded before the call and folded into the result after it, and the
 * function stores to memory, so cc can neither drop nor sink them): a C frame
 * of about 8 × `locals` bytes. Every handler recurses without end.
 */
function recursionGuest(locals: number): Promise<Uint8Array> {
  const decl = Array.from({ length: locals }, (_, i) => `(local $l${i} i64)`).join(" ");
  const loads = Array.from({ length: locals }, (_, i) => `(local.set $l${i} (i64.load offset=${(i * 8) % 60000} (i32.const 0)))`).join("\n");
  const fold = Array.from({ length: locals }, (_, i) => `(local.set $acc (i64.rotl (i64.xor (local.get $acc) (local.get $l${i})) (i64.const 1)))`).join("\n");
  const handlers = ["on_rewrite", "on_access", "on_content", "on_header", "on_body", "on_log"]
    .map((name) => `(func (export "${name}") (result i32) (i32.wrap_i64 (call $deep (i32.const 0))))`)
    .join("\n");
  return abiGuest(`
  (func $deep (param $n i32) (result i64) (local $acc i64) ${decl}
    ${loads}
    (local.set $acc (call $deep (i32.add (local.get $n) (i32.const 1))))
    ${fold}
    (i64.store (i32.const 60008) (local.get $acc))
    (local.get $acc))
  (func (export "on_ok") (result i32)
    (call $ngx_wasm_resp_write (i32.const 0) (i32.const 0)))
  ${handlers}`);
}

const PHASES = [
  { phase: "rewrite", where: (g: string, e: string) => `rewrite_by_wasm ${g} ${e}; return 200 "unreached";`, export: "on_rewrite" },
  { phase: "access", where: (g: string, e: string) => `access_by_wasm ${g} ${e}; content_by_wasm ${g} on_ok;`, export: "on_access" },
  { phase: "content", where: (g: string, e: string) => `content_by_wasm ${g} ${e};`, export: "on_content" },
  { phase: "header_filter", where: (g: string, e: string) => `return 200 "x"; header_filter_by_wasm ${g} ${e};`, export: "on_header" },
  { phase: "body_filter", where: (g: string, e: string) => `return 200 "x"; body_filter_by_wasm ${g} ${e};`, export: "on_body" },
  { phase: "log", where: (g: string, e: string) => `return 200 "logged"; log_by_wasm ${g} ${e};`, export: "on_log" },
] as const;

const GUESTS = [
  { name: "tiny-frames", locals: 0 },
  { name: "huge-frames", locals: 2000 },
] as const;

describe("guest recursion never overflows the worker's stack", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("stack");
    const locations: string[] = [];
    for (const g of GUESTS) {
      const path = ngx.addFile(`wasm/${g.name}.wasm`, await recursionGuest(g.locals));
      locations.push(`location = /${g.name}/ok { content_by_wasm ${path} on_ok; }`);
      for (const p of PHASES) locations.push(`location = /${g.name}/${p.phase} { ${p.where(path, p.export)} }`);
    }
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        ${locations.join("\n        ")}
    }`);
  }, 120_000);

  afterAll(async () => {
    await ngx?.stop();
  });

  it("the huge-frame guest gets a call-depth limit that fits the stack budget", () => {
    const limits = [...ngx.errorLog().matchAll(/huge-frames\.wasm": largest frame (\d+) bytes, call depth limit (\d+)/g)];
    expect(limits.length).toBeGreaterThan(0);
    const [, frame, depth] = limits[0]!;
    expect(Number(frame)).toBeGreaterThan(8 * 2000);
    expect(Number(depth) * Number(frame)).toBeLessThanOrEqual(1024 * 1024);
  });

  for (const g of GUESTS) {
    for (const p of PHASES) {
      it(`${g.name}, ${p.phase}: the guest traps, the worker lives`, async () => {
        const workers = ngx.workerPids();
        const mark = ngx.logSize();
        const res = await ngx.get(`/${g.name}/${p.phase}`).catch((e: Error) => ({ status: -1, text: e.message }));
        if (p.phase === "body_filter") expect(res.status).not.toBe(500); // header already sent: the body is cut
        else if (p.phase === "log") expect(res.status).toBe(200); // response already sent
        else expect(res.status).toBe(500);
        const line = await ngx.waitForLog(new RegExp(`${g.name}\\.wasm" export "${p.export}" \\(phase ${p.phase}\\) trapped`), mark);
        expect(line).toMatch(/call stack exhausted/);
        const next = await ngx.get(`/${g.name}/ok`);
        expect(next.status).toBe(200);
        expect(ngx.workerPids()).toEqual(workers);
        expect(ngx.errorLogSince(mark)).not.toMatch(/exited on signal/);
      });
    }
  }
});
