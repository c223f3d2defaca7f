// Counters and gauges in the metrics zone, served in Prometheus text format by
// a location with `wasm_metrics;`. A name is a series as nginx.conf declares
// it, labels included: `wasm_counter 'responses_total{class="2xx"}';` is
// `Counter.inc('responses_total{class="2xx"}')`, byte for byte.
import { ngx_wasm_metric_counter_inc, ngx_wasm_metric_gauge_add, ngx_wasm_metric_gauge_set } from "./raw";
import { ptr, utf8 } from "./internal/buffer";
import { check } from "./internal/errors";

@lazy const UNDECLARED =
  "is it declared in nginx.conf (`wasm_counter NAME;` / `wasm_gauge NAME;` with a `wasm_metrics_zone`), labels and all, written exactly as there?";

/**
 * Counters: monotonically increasing, shared by all workers; declare each with
 * `wasm_counter NAME;`. Using an undeclared name aborts with a message naming it.
 *
 * Phases: server_rewrite, rewrite, access, content, header_filter,
 * body_filter, log, balancer.
 *
 * ```ts
 * Counter.inc("requests_total");
 * // labels: the series exactly as declared, `wasm_counter 'responses_total{class="2xx"}';`
 * Counter.inc('responses_total{class="' + (Response.status() / 100).toString() + 'xx"}');
 * ```
 */
export namespace Counter {
  /** Add `delta` (>= 0, default 1) to counter `name` (saturates at i64 max). */
  export function inc(name: string, delta: i32 = 1): void {
    const n = utf8(name);
    check(ngx_wasm_metric_counter_inc(ptr(n), n.byteLength, delta), "Counter.inc", name,
      delta < 0 ? "counters only go up (delta must be >= 0)" : UNDECLARED);
  }
}

/**
 * Gauges: values that go up and down (in-flight requests, queue sizes);
 * declare each with `wasm_gauge NAME;`. Using an undeclared name aborts with
 * a message naming it.
 *
 * Phases: as `Counter`.
 */
export namespace Gauge {
  /** Set gauge `name` to `value`. */
  export function set(name: string, value: i32): void {
    const n = utf8(name);
    check(ngx_wasm_metric_gauge_set(ptr(n), n.byteLength, value), "Gauge.set", name, UNDECLARED);
  }

  /** Add `delta` (may be negative) to gauge `name`. */
  export function add(name: string, delta: i32): void {
    const n = utf8(name);
    check(ngx_wasm_metric_gauge_add(ptr(n), n.byteLength, delta), "Gauge.add", name, UNDECLARED);
  }
}
