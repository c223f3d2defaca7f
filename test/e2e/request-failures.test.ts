// A guest failing while it handles a request: the client gets 500, the error
// log gets one line naming file, export, phase and kind, and the same worker
// answers the next request normally.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

describe("request-time guest failures", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("request-failures");
    const probe = ngx.addGuest("probe", await watGuest("probe"));
    await ngx.start(`
    wasm_time_limit 50ms;   # inherited by every location below but one

    server {
        listen ${ngx.listen()};
        location = /ok        { content_by_wasm ${probe} on_content; }
        location = /trap      { content_by_wasm ${probe} on_trap; }
        location = /oob       { content_by_wasm ${probe} on_oob; }
        location = /fail      { content_by_wasm ${probe} on_fail; }
        location = /div0      { content_by_wasm ${probe} on_div0; }
        location = /recurse   { content_by_wasm ${probe} on_recurse; }
        location = /loop      { content_by_wasm ${probe} on_loop; }
        location = /loop-long { wasm_time_limit 600ms; content_by_wasm ${probe} on_loop; }
        location = /rewrite-trap { rewrite_by_wasm ${probe} on_trap; content_by_wasm ${probe} on_content; }
        location = /access-fail  { access_by_wasm ${probe} on_fail; content_by_wasm ${probe} on_content; }
        location = /header-trap  { content_by_wasm ${probe} on_content; header_filter_by_wasm ${probe} on_trap; }
        location = /wrong-phase  { content_by_wasm ${probe} on_content; header_filter_by_wasm ${probe} on_write_twice; }
        location = /body-trap    { content_by_wasm ${probe} on_content; body_filter_by_wasm ${probe} on_trap; }
        location = /log-trap     { content_by_wasm ${probe} on_content; log_by_wasm ${probe} on_trap; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  /** Request `path`, expect 500 and return the error-log line about it; then check the worker still serves. */
  async function failing(path: string, exportName: string): Promise<{ line: string; ms: number }> {
    const workers = ngx.workerPids();
    const mark = ngx.logSize();
    const t0 = Date.now();
    const res = await ngx.get(path);
    const ms = Date.now() - t0;
    expect(res.status).toBe(500);
    const line = await ngx.waitForLog(new RegExp(`\\b${exportName}\\b`), mark);
    expect(line).toMatch(/\[(error|crit|alert)\]/);
    expect(line).toMatch(/probe\.wasm/);
    const next = await ngx.get("/ok");
    expect(next.status).toBe(200);
    expect(next.text).toBe("content ok\n");
    expect(ngx.workerPids()).toEqual(workers); // no worker crashed and was replaced
    // exactly one line about this failure
    const lines = ngx.errorLogSince(mark).split("\n").filter((l) => l.includes(exportName) && l.includes("probe.wasm"));
    expect(lines).toHaveLength(1);
    return { line, ms };
  }

  it("unreachable → 500, log names file, export, phase and the trap", async () => {
    const { line } = await failing("/trap", "on_trap");
    expect(line).toMatch(/content/);
    expect(line).toMatch(/unreachable/i);
  });

  it("out-of-bounds memory access → 500 with an out-of-bounds trap", async () => {
    const { line } = await failing("/oob", "on_oob");
    expect(line).toMatch(/content/);
    expect(line).toMatch(/out of bounds|out-of-bounds|oob/i);
  });

  it("a non-zero return → 500 naming the returned value", async () => {
    const { line } = await failing("/fail", "on_fail");
    expect(line).toMatch(/content/);
    expect(line).toMatch(/\b7\b/);
  });

  it("integer division by zero → 500 with a divide-by-zero trap", async () => {
    const { line } = await failing("/div0", "on_div0");
    expect(line).toMatch(/divide by zero|division by zero/i);
  });

  it("unbounded recursion → 500 with a stack-exhaustion trap (the worker survives)", async () => {
    const { line } = await failing("/recurse", "on_recurse");
    expect(line).toMatch(/stack|exhaust/i);
  });

  it("a host call outside its phase traps, naming the function and the phase", async () => {
    // resp_write is not allowed in the header filter
    const { line } = await failing("/wrong-phase", "on_write_twice");
    expect(line).toMatch(/header_filter/);
    expect(line).toMatch(/ngx_wasm_resp_write/);
  });

  it("a runaway loop is stopped at the inherited wasm_time_limit (50ms)", async () => {
    const { line, ms } = await failing("/loop", "on_loop");
    expect(line).toMatch(/content/);
    expect(line).toMatch(/time limit|wasm_time_limit|timed? ?out/i);
    expect(ms).toBeLessThan(600); // well under the other location's limit
  });

  it("a location's own wasm_time_limit overrides the inherited one", async () => {
    const { line, ms } = await failing("/loop-long", "on_loop");
    expect(line).toMatch(/time limit|wasm_time_limit|timed? ?out/i);
    expect(ms).toBeGreaterThanOrEqual(550); // the timer cannot fire before its 600ms
  });

  it("a trap in the rewrite phase → 500 naming the rewrite phase; content does not run", async () => {
    const { line } = await failing("/rewrite-trap", "on_trap");
    expect(line).toMatch(/rewrite/);
  });

  it("a failure in the access phase → 500 naming the access phase", async () => {
    const { line } = await failing("/access-fail", "on_fail");
    expect(line).toMatch(/access/);
  });

  it("a trap in the header filter → 500 naming the header_filter phase", async () => {
    const { line } = await failing("/header-trap", "on_trap");
    expect(line).toMatch(/header_filter/);
  });

  it("a trap in the body filter (headers already sent) cuts the response and is logged", async () => {
    const mark = ngx.logSize();
    const outcome = await ngx.get("/body-trap").then(
      (res) => `${res.status} ${res.text}`,
      (e: Error) => `connection error: ${e.message}`,
    );
    expect(outcome).not.toBe("200 content ok\n"); // the client never gets the complete body
    const line = await ngx.waitForLog(/export "on_trap" \(phase body_filter\)/, mark);
    expect(line).toMatch(/probe\.wasm.*unreachable/);
    expect((await ngx.get("/ok")).status).toBe(200);
  });

  it("a trap in the log phase only logs: the response was already complete", async () => {
    const mark = ngx.logSize();
    const res = await ngx.get("/log-trap");
    expect(res.status).toBe(200);
    expect(res.text).toBe("content ok\n");
    const line = await ngx.waitForLog(/export "on_trap" \(phase log\)/, mark);
    expect(line).toMatch(/probe\.wasm.*unreachable/);
  });
});
