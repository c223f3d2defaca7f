// What test/guests/sdk-metrics leaves in the metrics, shared by the
// in-process suite (metrics.test.ts) and nginx (metrics-nginx.test.ts), so
// both hosts are held to one expectation.
import type { MetricDeclarations } from "../../host/index.js";

/** The declarations: the in-process host's option, and nginx's directives (test/support/metrics.ts). */
export const SDK_METRICS: MetricDeclarations = {
  counters: ["hits", "logged", { name: 'requests_total{method="GET"}', help: "Requests by method" }, 'requests_total{method="POST"}'],
  gauges: ["inflight"],
};

/** The Prometheus text after two GET requests of on_content and one run of on_log. */
export const SDK_METRICS_TEXT = [
  "# HELP hits declared by wasm_counter",
  "# TYPE hits counter",
  "hits 84",
  "# HELP logged declared by wasm_counter",
  "# TYPE logged counter",
  "logged 1",
  "# HELP requests_total Requests by method",
  "# TYPE requests_total counter",
  'requests_total{method="GET"} 2',
  'requests_total{method="POST"} 0',
  "# HELP inflight declared by wasm_gauge",
  "# TYPE inflight gauge",
  "inflight 7",
  "",
].join("\n");

/** The SDK's abort for on_undeclared, in the error log of both hosts. */
export const SDK_METRICS_UNDECLARED = 'ngxwasm: Counter.inc("not_declared"): is it declared in nginx.conf';
