// Yield is fair and bounded: a re-invocation waits for the next event-loop
// iteration (other connections are served in between), a guest that never
// finishes ends after wasm_max_invocations with a 500 and one log line, and a
// client that goes away ends a yielding guest at once.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";

describe("yield in nginx", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("yield");
    // on_spin: yields on every invocation, forever; on_ok: an empty 200
    const g = ngx.addFile(
      "wasm/spin.wasm",
      await abiGuest(`
  (func (export "on_spin") (result i32) (drop (call $ngx_wasm_yield)) (i32.const 0))
  (func (export "on_ok") (result i32) (call $ngx_wasm_resp_write (i32.const 0) (i32.const 0)))`),
    );
    await ngx.start(`
    log_format yield '$uri $status';
    server {
        listen ${ngx.listen()};
        access_log access.log yield;
        location = /ok      { return 200 "ok\\n"; }
        location = /spin    { wasm_max_invocations 0; content_by_wasm ${g} on_spin; }
        location = /rewrite-spin { wasm_max_invocations 0; rewrite_by_wasm ${g} on_spin; return 200; }
        location = /bounded { wasm_max_invocations 50; content_by_wasm ${g} on_spin; }
        location = /bounded-default { content_by_wasm ${g} on_spin; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  /** Start a request and return a function that aborts it (the client goes away). */
  function startAbortable(path: string): () => void {
    const req = request({ host: "127.0.0.1", port: ngx.port, path, agent: false });
    req.on("error", () => undefined);
    req.end();
    return () => req.destroy();
  }

  function accessLog(): string {
    return ngx.readFile("access.log");
  }

  async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  for (const path of ["/spin", "/rewrite-spin"]) {
    it(`${path}: other requests are served while a guest yields without end`, async () => {
      const abort = startAbortable(path);
      await new Promise((r) => setTimeout(r, 300));
      // With a 0 ms timer the worker never got back to its sockets: this request waited for seconds.
      for (let i = 0; i < 20; i++) {
        const res = await ngx.fetch("/ok", { timeoutMs: 2_000 });
        expect(res.text).toBe("ok\n");
      }
      abort();
      // the client went away: the request ends (499) instead of spinning on
      await waitFor(() => accessLog().includes(`${path} 499`));
    });
  }

  it("a guest past wasm_max_invocations fails with 500 and one log line", async () => {
    const mark = ngx.logSize();
    const res = await ngx.get("/bounded");
    expect(res.status).toBe(500);
    const lines = ngx
      .errorLogSince(mark)
      .split("\n")
      .filter((l) => l.includes('export "on_spin" (phase content)'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/too many re-invocations \(the export asked to run again after 50 invocations; wasm_max_invocations\)/);
  });

  it("the default bound is 1000 invocations", async () => {
    const mark = ngx.logSize();
    const res = await ngx.get("/bounded-default");
    expect(res.status).toBe(500);
    expect(ngx.errorLogSince(mark)).toMatch(/after 1000 invocations; wasm_max_invocations/);
  });

  it("after a client disconnect the worker is idle again", async () => {
    const abort = startAbortable("/spin");
    await new Promise((r) => setTimeout(r, 100));
    abort();
    await waitFor(() => accessLog().split("\n").filter((l) => l === "/spin 499").length >= 2);
    const [pid] = ngx.workerPids();
    const cpu = (): number => {
      const f = ngx.procStat(pid!);
      return f.utime + f.stime;
    };
    const before = cpu();
    await new Promise((r) => setTimeout(r, 500));
    // clock ticks (1/100 s): a spinning worker would use ~50 in 500 ms
    expect(cpu() - before).toBeLessThan(10);
  });
});
