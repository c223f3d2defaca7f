// Counters and gauges (`wasm_counter NAME;`, `wasm_gauge NAME;`): only declared
// names exist; values are i64, counters only grow and saturate at i64 max.

import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { anyNegative } from "./memory.js";

const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const clampI64 = (v: bigint): bigint => (v > I64_MAX ? I64_MAX : v < I64_MIN ? I64_MIN : v);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

type Kind = "counter" | "gauge";

export class Metrics {
  /** declaration order: counters first, then gauges */
  private readonly values = new Map<string, { kind: Kind; value: bigint }>();

  constructor(declared: { counters?: string[]; gauges?: string[] } = {}) {
    for (const [kind, names] of [["counter", declared.counters ?? []], ["gauge", declared.gauges ?? []]] as const) {
      for (const name of names) {
        if (!METRIC_NAME.test(name)) throw new Error(`metric name "${name}" is not a valid Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
        if (this.values.has(name)) throw new Error(`metric "${name}" is declared twice`);
        this.values.set(name, { kind, value: 0n });
      }
    }
  }

  counter(name: string): bigint {
    return this.metric(name, "counter").value;
  }

  gauge(name: string): bigint {
    return this.metric(name, "gauge").value;
  }

  /** Set a metric directly (seeding for tests or the dev server); clamped to i64, counters to ≥ 0. */
  setValue(name: string, value: bigint): void {
    const m = this.values.get(name);
    if (!m) throw new Error(`metric "${name}" is not declared`);
    m.value = clampI64(m.kind === "counter" && value < 0n ? 0n : value);
  }

  /** Prometheus text exposition format, as a `wasm_metrics;` location serves it (text/plain; version=0.0.4). */
  prometheus(): string {
    let out = "";
    for (const [name, m] of this.values) out += `# TYPE ${name} ${m.kind}\n${name} ${m.value}\n`;
    return out;
  }

  /** ABI operations: Status.OK, or Status.ERROR for an undeclared name, a wrong kind or a negative counter delta. */
  apply(name: string, op: "counter_inc" | "gauge_set" | "gauge_add", amount: number): number {
    const m = this.values.get(name);
    if (!m || m.kind !== (op === "counter_inc" ? "counter" : "gauge")) return Status.ERROR;
    if (op === "counter_inc" && amount < 0) return Status.ERROR;
    m.value = op === "gauge_set" ? BigInt(amount) : clampI64(m.value + BigInt(amount));
    return Status.OK;
  }

  private metric(name: string, kind: Kind) {
    const m = this.values.get(name);
    if (!m || m.kind !== kind) throw new Error(`metric "${name}" is not a declared ${kind}`);
    return m;
  }
}

type MetricFunctions = Pick<HostFunctions, "ngx_wasm_metric_counter_inc" | "ngx_wasm_metric_gauge_set" | "ngx_wasm_metric_gauge_add">;

export function metricFunctions(ctx: RunContext): MetricFunctions {
  const apply = (np: number, nl: number, op: "counter_inc" | "gauge_set" | "gauge_add", amount: number) => {
    if (anyNegative(np, nl)) return Status.ERROR;
    return ctx.metrics.apply(ctx.memory.readString(np, nl, "metric name"), op, amount);
  };
  return {
    ngx_wasm_metric_counter_inc: (np, nl, delta) => apply(np, nl, "counter_inc", delta),
    ngx_wasm_metric_gauge_set: (np, nl, value) => apply(np, nl, "gauge_set", value),
    ngx_wasm_metric_gauge_add: (np, nl, delta) => apply(np, nl, "gauge_add", delta),
  };
}
