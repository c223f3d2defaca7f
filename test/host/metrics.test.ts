import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { data, runHandler, str } from "./helpers.js";

const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);

function metricHost(): Host {
  return new Host({ metrics: { counters: ["requests_total"], gauges: ["in_flight"] } });
}

const call = async (host: Host, fn: string, name: string, amount: number) => {
  const r = await runHandler({ items: data(0, name), body: `(call $${fn} ${str(0, name)} (i32.const ${amount}))` }, { phase: "log" }, host);
  if (r.trap) throw new Error(r.error);
  return r.returnCode;
};

describe("metrics", () => {
  it("counters add non-negative deltas; gauges set and add", async () => {
    const host = metricHost();
    expect(await call(host, "ngx_wasm_metric_counter_inc", "requests_total", 2)).toBe(0);
    expect(await call(host, "ngx_wasm_metric_counter_inc", "requests_total", 0)).toBe(0);
    expect(await call(host, "ngx_wasm_metric_counter_inc", "requests_total", -1)).toBe(-2);
    expect(host.metrics.counter("requests_total")).toBe(2n);
    expect(await call(host, "ngx_wasm_metric_gauge_set", "in_flight", 10)).toBe(0);
    expect(await call(host, "ngx_wasm_metric_gauge_add", "in_flight", -15)).toBe(0);
    expect(host.metrics.gauge("in_flight")).toBe(-5n);
  });

  it("only declared names of the right kind: -2 otherwise", async () => {
    const host = metricHost();
    expect(await call(host, "ngx_wasm_metric_counter_inc", "undeclared", 1)).toBe(-2);
    expect(await call(host, "ngx_wasm_metric_counter_inc", "in_flight", 1)).toBe(-2);
    expect(await call(host, "ngx_wasm_metric_gauge_set", "requests_total", 1)).toBe(-2);
    expect(await call(host, "ngx_wasm_metric_gauge_add", "requests_total", 1)).toBe(-2);
    expect(host.metrics.counter("requests_total")).toBe(0n);
    expect(() => host.metrics.counter("in_flight")).toThrow(/not a declared counter/);
  });

  it("counters saturate at i64 max; gauges clamp to the i64 range", async () => {
    const host = metricHost();
    host.metrics.setValue("requests_total", I64_MAX - 5n);
    expect(await call(host, "ngx_wasm_metric_counter_inc", "requests_total", 2147483647)).toBe(0);
    expect(host.metrics.counter("requests_total")).toBe(I64_MAX);
    expect(await call(host, "ngx_wasm_metric_counter_inc", "requests_total", 1)).toBe(0);
    expect(host.metrics.counter("requests_total")).toBe(I64_MAX);
    host.metrics.setValue("in_flight", I64_MIN + 1n);
    expect(await call(host, "ngx_wasm_metric_gauge_add", "in_flight", -10)).toBe(0);
    expect(host.metrics.gauge("in_flight")).toBe(I64_MIN);
  });

  it("serves Prometheus text: TYPE line then value, in declaration order", async () => {
    const host = metricHost();
    await call(host, "ngx_wasm_metric_counter_inc", "requests_total", 3);
    await call(host, "ngx_wasm_metric_gauge_set", "in_flight", -2);
    expect(host.metrics.prometheus()).toBe(
      "# TYPE requests_total counter\nrequests_total 3\n# TYPE in_flight gauge\nin_flight -2\n",
    );
  });

  it("rejects invalid or duplicate declarations", () => {
    expect(() => new Host({ metrics: { counters: ["bad-name"] } })).toThrow(/not a valid Prometheus name/);
    expect(() => new Host({ metrics: { counters: ["x"], gauges: ["x"] } })).toThrow(/declared twice/);
  });
});
