// The `--host NAME` option of validate, inspect, install and build: the
// target host whose capabilities (host-abi/hosts.json) a guest is checked
// against. The checks themselves are the validator's (host/validate.ts).
import { Option } from "commander";
import { DEFAULT_HOST, HOST_NAMES, HOSTS, type HostInfo } from "../host-abi/hosts-table.js";
import { AREAS, PHASE_NAMES, PHASES } from "../host-abi/tables.js";

/** `--host <name>`, one of hosts.json's hosts, default nginx. */
export function hostOption(what = "the host the guest is for"): Option {
  return new Option("--host <name>", what).choices(HOST_NAMES).default(DEFAULT_HOST);
}

/** "lacks areas shared_dict, metrics and phases balancer", or "implements the whole ABI". */
export function hostGaps(host: HostInfo): string {
  const areas = Object.keys(AREAS).filter((a) => !host.areas.includes(a));
  const phases = PHASE_NAMES.filter((p) => !host.phases.includes(p));
  const gaps = [
    areas.length ? `area${areas.length === 1 ? "" : "s"} ${areas.join(", ")}` : "",
    phases.length ? `phase${phases.length === 1 ? "" : "s"} ${phases.join(", ")}` : "",
  ].filter(Boolean);
  return gaps.length ? `lacks ${gaps.join("; ")}` : "implements the whole ABI";
}

/** Help text: the hosts and what each lacks (host-abi/hosts.md has the tables). */
export function hostsHelp(): string {
  const lines = HOSTS.map((h) => `  ${h.name.padEnd(9)} ${h.title}; ${hostGaps(h)}${h.name === DEFAULT_HOST ? " (default)" : ""}`);
  return `Hosts (--host; host-abi/hosts.md has the details):\n${lines.join("\n")}`;
}

/**
 * Why `host` would refuse an extra directive of an install snippet (the
 * `--directive` texts) placed in a `context` block ("location" or "server"),
 * or undefined. Only the host's own directives are checked — `*_by_wasm` and
 * `wasm_*` — nginx's are left to nginx. `handlerDirectives` are the phase
 * directives the snippet already writes.
 */
export function directiveRefusal(
  text: string,
  host: HostInfo,
  context: "location" | "server",
  handlerDirectives: readonly string[],
): string | undefined {
  const name = text.trim().split(/[\s;{]/, 1)[0] ?? "";
  if (name.endsWith("_by_wasm")) {
    const phase = PHASES.find((p) => p.directive === name);
    if (!phase) return `${name} is not an ngx_wasm directive (the phases' are ${PHASES.map((p) => p.directive).join(", ")})`;
    if (handlerDirectives.includes(name)) return `${name} is already written for --phase ${phase.name} — one handler per phase`;
    if (!host.phases.includes(phase.name)) {
      return `the ${host.name} host does not run phase ${phase.name} (it has no ${name}) — ${hostGaps(host)}`;
    }
    if (!phase.contexts.includes(context)) return `${name} is not allowed in a ${context} block (contexts: ${phase.contexts.join(", ")})`;
    return undefined;
  }
  if (!name.startsWith("wasm_") || !host.directives) return undefined;
  const directive = host.directives.find((d) => d.name === name);
  if (!directive) {
    return `the ${host.name} host has no directive ${name} (its wasm_ directives: ${host.directives.map((d) => d.name).join(", ") || "none"})`;
  }
  if (directive.contexts && !directive.contexts.includes(context)) {
    return `${name} is not allowed in a ${context} block on the ${host.name} host (contexts: ${directive.contexts.join(", ")}) — set it in nginx.conf`;
  }
  return undefined;
}
