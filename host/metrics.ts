// Counters and gauges (`wasm_counter NAME [HELP];`, `wasm_gauge NAME [HELP];`):
// only declared series exist; values are i64, counters only grow and saturate
// at i64 max, gauges clamp to the i64 range.
//
// A declared name is a series, `NAME` or `NAME{label="value",...}`, written as
// the Prometheus text format shows it (no spaces); the guest passes exactly
// these bytes. The series of one NAME form a family, exported under one
// `# HELP` / `# TYPE` block. Declarations are checked as the nginx module
// checks them at `nginx -t` (nginx/module/ngx_http_wasm_api_metrics.c), with
// the same messages, and prometheus() is byte for byte what its
// `wasm_metrics;` location serves.

import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";

const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const clampI64 = (v: bigint): bigint => (v > I64_MAX ? I64_MAX : v < I64_MIN ? I64_MIN : v);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** a lone surrogate: a JS string that is not UTF-8 text */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** the bytes a guest passes: a declared name is UTF-8, so invalid bytes match nothing */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type Kind = "counter" | "gauge";

/** One `wasm_counter` / `wasm_gauge` line: the series name, and the optional HELP argument. */
export type MetricDeclaration = string | { name: string; help?: string };

export interface MetricDeclarations {
  counters?: MetricDeclaration[];
  gauges?: MetricDeclaration[];
}

interface Series {
  name: string;
  kind: Kind;
  labels: [string, string][];
  value: bigint;
}

interface Family {
  name: string;
  kind: Kind;
  help?: string;
  series: Series[];
}

/**
 * Split a declared series into its family name and labels (values as
 * written, escapes kept), or throw the message nginx -t gives for it:
 * `<directive> "<series>": <what>`.
 */
export function parseSeries(directive: string, series: string): { family: string; labels: [string, string][] } {
  const fail = (what: string): never => {
    throw new Error(`${directive} "${series}": ${what}`);
  };
  const syntax = (): never => fail('labels are written {name="value",...}, without spaces');
  const brace = series.indexOf("{");
  const family = brace < 0 ? series : series.slice(0, brace);
  if (!METRIC_NAME.test(family)) fail(`"${family}" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
  const labels: [string, string][] = [];
  if (brace < 0) return { family, labels };
  const end = series.length;
  let p = brace + 1;
  if (series.slice(p) === "}") fail(`the label set is empty: write "${family}"`);
  for (;;) {
    const start = p;
    while (p < end && !'=",{} '.includes(series[p]!)) p++;
    if (p === start || p === end || series[p] !== "=") syntax();
    const name = series.slice(start, p);
    if (!LABEL_NAME.test(name) || name.startsWith("__")) {
      fail(`"${name}" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)`);
    }
    p++;
    if (p === end || series[p] !== '"') syntax();
    const valueStart = ++p;
    for (;;) {
      if (p === end) syntax();
      const c = series[p];
      if (c === '"') break;
      if (c === "\n") fail(`the value of label "${name}" has a line break (write it as \\n)`);
      if (c === "\\") {
        if (end - p < 2 || !'\\"n'.includes(series[p + 1]!)) {
          fail(`the value of label "${name}" has an escape other than \\\\, \\" and \\n`);
        }
        p += 2;
        continue;
      }
      p++;
    }
    const value = series.slice(valueStart, p);
    if (LONE_SURROGATE.test(value)) fail(`the value of label "${name}" is not valid UTF-8`);
    p++;
    if (labels.some(([n]) => n === name)) fail(`label "${name}" is repeated`);
    labels.push([name, value]);
    if (p === end) syntax();
    if (series[p] === "}") {
      if (p + 1 !== end) syntax();
      return { family, labels };
    }
    if (series[p] !== ",") syntax();
    p++;
  }
}

const sameLabels = (a: [string, string][], b: [string, string][]): boolean =>
  a.length === b.length && a.every(([n, v]) => b.some(([m, w]) => m === n && w === v));

/** `\` and line breaks escaped, as a `# HELP` line wants them. */
const helpLine = (help: string): string => help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

export class Metrics {
  /** by series name, in declaration order: counters first, then gauges */
  private readonly values = new Map<string, Series>();
  /** by family name, in the order of their first series */
  private readonly families = new Map<string, Family>();

  /**
   * The declarations, as nginx reads `wasm_counter` lines and then
   * `wasm_gauge` lines; throws what nginx -t says of a bad one.
   */
  constructor(declared: MetricDeclarations = {}) {
    for (const [kind, list] of [["counter", declared.counters ?? []], ["gauge", declared.gauges ?? []]] as const) {
      for (const d of list) this.declare(kind, typeof d === "string" ? { name: d } : d);
    }
  }

  private declare(kind: Kind, { name, help }: { name: string; help?: string }): void {
    const directive = `wasm_${kind}`;
    const fail = (what: string): never => {
      throw new Error(`${directive} "${name}": ${what}`);
    };
    const { family, labels } = parseSeries(directive, name);
    let f = this.families.get(family);
    if (f && f.kind !== kind) fail(`"${family}" is already a ${f.kind} (wasm_${f.kind})`);
    const same = f?.series.find((s) => sameLabels(s.labels, labels));
    if (same) fail(`the same series as "${same.name}", declared before`);
    if (help !== undefined) {
      if (help === "") fail("the help text is empty");
      if (LONE_SURROGATE.test(help)) fail("the help text is not valid UTF-8");
      if (f?.help !== undefined && f.help !== help) {
        fail(`the help text differs from the one given before for "${family}" ("${f.help}")`);
      }
    }
    if (!f) {
      f = { name: family, kind, series: [] };
      this.families.set(family, f);
    }
    f.help ??= help;
    const series: Series = { name, kind, labels, value: 0n };
    f.series.push(series);
    this.values.set(name, series);
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

  /**
   * Prometheus text exposition format 0.0.4, as a `wasm_metrics;` location
   * serves it (`text/plain; version=0.0.4; charset=utf-8`): per family, in
   * the order of its first declaration, `# HELP` (the declared help, or
   * "declared by wasm_counter|wasm_gauge") and `# TYPE`, then its series in
   * declaration order.
   */
  prometheus(): string {
    let out = "";
    for (const f of this.families.values()) {
      out += `# HELP ${f.name} ${f.help === undefined ? `declared by wasm_${f.kind}` : helpLine(f.help)}\n`;
      out += `# TYPE ${f.name} ${f.kind}\n`;
      for (const s of f.series) out += `${s.name} ${s.value}\n`;
    }
    return out;
  }

  /**
   * ABI operations: Status.OK, or Status.ERROR for an undeclared series, a
   * wrong kind or a negative counter delta. `name` is the guest's bytes (or
   * text): a series matches only as declared, byte for byte.
   */
  apply(name: string | Uint8Array, op: "counter_inc" | "gauge_set" | "gauge_add", amount: number): number {
    let text: string;
    try {
      text = typeof name === "string" ? name : utf8.decode(name);
    } catch {
      return Status.ERROR;
    }
    const m = this.values.get(text);
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
  return {
    ngx_wasm_metric_counter_inc: (name, delta) => ctx.metrics.apply(name, "counter_inc", delta),
    ngx_wasm_metric_gauge_set: (name, value) => ctx.metrics.apply(name, "gauge_set", value),
    ngx_wasm_metric_gauge_add: (name, delta) => ctx.metrics.apply(name, "gauge_add", delta),
  };
}
