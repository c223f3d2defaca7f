import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { runHandler } from "./helpers.js";

const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);

function metricHost(): Host {
  return new Host({ metrics: { counters: ["requests_total"], gauges: ["in_flight"] } });
}

const call = async (host: Host, fn: string, name: string, amount: number) => {
  // every byte \hh-escaped: names with labels hold quotes
  const bytes = Buffer.from(name, "utf8");
  const items = `(data (i32.const 0) "${bytes.toString("hex").replace(/../g, "\\$&")}")`;
  const r = await runHandler({ items, body: `(call $${fn} (i32.const 0) (i32.const ${bytes.length}) (i32.const ${amount}))` }, { phase: "log" }, host);
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

  it("serves Prometheus text: HELP and TYPE lines then the value, in declaration order", async () => {
    const host = metricHost();
    await call(host, "ngx_wasm_metric_counter_inc", "requests_total", 3);
    await call(host, "ngx_wasm_metric_gauge_set", "in_flight", -2);
    expect(host.metrics.prometheus()).toBe(
      "# HELP requests_total declared by wasm_counter\n# TYPE requests_total counter\nrequests_total 3\n" +
        "# HELP in_flight declared by wasm_gauge\n# TYPE in_flight gauge\nin_flight -2\n",
    );
  });

  it("labelled series: one family per name, one HELP/TYPE block, the guest names a series exactly as declared", async () => {
    const host = new Host({
      metrics: {
        counters: [{ name: 'responses_total{class="2xx"}', help: "Responses\\by class\nsent" }, "other_total", 'responses_total{class="4xx"}'],
        gauges: ['temp{room="a",floor="1"}'],
      },
    });
    expect(await call(host, "ngx_wasm_metric_counter_inc", 'responses_total{class="2xx"}', 2)).toBe(0);
    expect(await call(host, "ngx_wasm_metric_counter_inc", 'responses_total{class="4xx"}', 1)).toBe(0);
    expect(await call(host, "ngx_wasm_metric_counter_inc", "responses_total", 1)).toBe(-2);
    expect(await call(host, "ngx_wasm_metric_counter_inc", 'responses_total{class="2xx" }', 1)).toBe(-2);
    expect(await call(host, "ngx_wasm_metric_gauge_set", 'temp{floor="1",room="a"}', 1)).toBe(-2);
    expect(await call(host, "ngx_wasm_metric_gauge_set", 'temp{room="a",floor="1"}', -7)).toBe(0);
    expect(host.metrics.counter('responses_total{class="2xx"}')).toBe(2n);
    expect(host.metrics.prometheus()).toBe(
      [
        "# HELP responses_total Responses\\\\by class\\nsent",
        "# TYPE responses_total counter",
        'responses_total{class="2xx"} 2',
        'responses_total{class="4xx"} 1',
        "# HELP other_total declared by wasm_counter",
        "# TYPE other_total counter",
        "other_total 0",
        "# HELP temp declared by wasm_gauge",
        "# TYPE temp gauge",
        'temp{room="a",floor="1"} -7',
        "",
      ].join("\n"),
    );
  });

  it("rejects invalid or duplicate declarations with nginx -t's message", () => {
    expect(() => new Host({ metrics: { counters: ["bad-name"] } })).toThrow(
      'wasm_counter "bad-name": "bad-name" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)',
    );
    expect(() => new Host({ metrics: { counters: ["x"], gauges: ["x"] } })).toThrow('wasm_gauge "x": "x" is already a counter (wasm_counter)');
    expect(() => new Host({ metrics: { counters: ["x", "x"] } })).toThrow('wasm_counter "x": the same series as "x", declared before');
    expect(() => new Host({ metrics: { gauges: ['g{a="1",b="2"}', 'g{b="2",a="1"}'] } })).toThrow(
      'wasm_gauge "g{b="2",a="1"}": the same series as "g{a="1",b="2"}", declared before',
    );
  });

  it("a name that is not UTF-8 matches nothing, nor does one with a byte order mark", () => {
    const host = metricHost();
    expect(host.metrics.apply(Uint8Array.from([0xff]), "counter_inc", 1)).toBe(-2);
    expect(host.metrics.apply(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from("requests_total")]), "counter_inc", 1)).toBe(-2);
    expect(host.metrics.apply(Buffer.from("requests_total"), "counter_inc", 1)).toBe(0);
    expect(host.metrics.counter("requests_total")).toBe(1n);
  });
});
