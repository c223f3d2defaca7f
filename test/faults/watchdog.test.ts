// wasm_time_limit when locations have different limits, in one worker.
//
// A bug found by the fault campaign, fixed in
// nginx/module/ngx_http_wasm_watchdog.c: the watchdog thread slept until the
// deadline of the call it last saw, and ngx_http_wasm_watchdog_arm() wakes it
// only from its futex, not from that sleep. So after a call under a long
// limit (3 s here) that ran long enough for the thread to see it (the `busy`
// export: tens of ms), a runaway guest under a short limit (20 ms) ran until
// the long call's deadline, ~3 s. The thread now never sleeps past a 10 ms
// tick, whatever the deadline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { faultGuest } from "./fault-guest.js";

describe("wasm_time_limit, a short limit after a long one in the same worker", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("watchdog");
    const g = ngx.addFile("wasm/faults.wasm", await faultGuest());
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        location = /long-busy { wasm_time_limit 3s;  content_by_wasm ${g} busy; }
        location = /loop    { wasm_time_limit 20ms; content_by_wasm ${g} runaway_loop; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  async function timed(path: string): Promise<{ status: number; ms: number }> {
    const t0 = Date.now();
    const res = await ngx.fetch(path, { timeoutMs: 30_000 });
    return { status: res.status, ms: Date.now() - t0 };
  }

  it("alone, the 20 ms loop is stopped at once", async () => {
    const loop = await timed("/loop");
    expect(loop.status).toBe(500);
    expect(loop.ms).toBeLessThan(1_000);
  });

  it("right after a call under a 3 s limit, the 20 ms loop is still stopped at once (it ran ~3 s)", async () => {
    expect((await timed("/long-busy")).status).toBe(200);
    const loop = await timed("/loop");
    expect(loop.status).toBe(500);
    expect(loop.ms).toBeLessThan(1_000);
  }, 30_000);
});
