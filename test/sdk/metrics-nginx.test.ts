// test/guests/sdk-metrics in nginx: the same declarations (SDK_METRICS, as
// wasm_counter/wasm_gauge lines) and the same runs as the in-process suite
// (metrics.test.ts), and /metrics serves the same text (SDK_METRICS_TEXT).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { metricDirectives } from "../support/metrics.js";
import { Nginx } from "../support/nginx.js";
import { SDK_METRICS, SDK_METRICS_TEXT, SDK_METRICS_UNDECLARED } from "./metrics-expected.js";

describe("SDK metrics guest in nginx", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("sdk-metrics");
    const wasm = ngx.addGuest("sdk-metrics", await buildGuest("test/guests/sdk-metrics"));
    await ngx.start(`
    wasm_metrics_zone sdk 64k;
    ${metricDirectives(SDK_METRICS)}
    server {
        listen ${ngx.listen()};
        location = /content    { content_by_wasm ${wasm} on_content; }
        location = /log        { return 204; log_by_wasm ${wasm} on_log; }
        location = /undeclared { content_by_wasm ${wasm} on_undeclared; }
        location = /metrics    { wasm_metrics; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("two GETs of on_content and one on_log: /metrics serves SDK_METRICS_TEXT", async () => {
    expect((await ngx.get("/content")).status).toBe(200);
    expect((await ngx.get("/content")).status).toBe(200);
    expect((await ngx.get("/log")).status).toBe(204);
    // the log phase runs after the response has gone out: wait for it
    let text = "";
    for (let i = 0; i < 100 && text !== SDK_METRICS_TEXT; i++) {
      text = (await ngx.get("/metrics")).text;
      if (text !== SDK_METRICS_TEXT) await new Promise((r) => setTimeout(r, 20));
    }
    expect(text).toBe(SDK_METRICS_TEXT);
  });

  it("an undeclared metric aborts with a message naming it", async () => {
    const mark = ngx.logSize();
    expect((await ngx.get("/undeclared")).status).toBe(500);
    await ngx.waitForLog(new RegExp(SDK_METRICS_UNDECLARED.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), mark);
  });
});
