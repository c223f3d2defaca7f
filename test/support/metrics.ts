// Metric declarations as nginx directives: one MetricDeclarations value
// (the in-process host's `metrics` option) for both hosts.
import type { MetricDeclarations } from "../../host/index.js";

/** A directive argument in single quotes: nginx unescapes \\, \' and \n (and \t, \r, \") in every argument. */
export const nginxQuote = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;

/** `wasm_counter …;` / `wasm_gauge …;` lines: counters first, in the order the in-process host reads them. */
export function metricDirectives(d: MetricDeclarations): string {
  const line = (kind: string, m: string | { name: string; help?: string }): string => {
    const { name, help } = typeof m === "string" ? { name: m, help: undefined } : m;
    return `wasm_${kind} ${nginxQuote(name)}${help === undefined ? "" : ` ${nginxQuote(help)}`};`;
  };
  return [...(d.counters ?? []).map((m) => line("counter", m)), ...(d.gauges ?? []).map((m) => line("gauge", m))].join("\n    ");
}
