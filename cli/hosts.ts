// The `--host NAME` option of validate, inspect, install and build: the
// target host whose capabilities (host-abi/hosts.json) a guest is checked
// against. The checks themselves are the validator's (host/validate.ts).
import { Option } from "commander";
import { DEFAULT_HOST, HOST_NAMES, HOSTS, type HostInfo } from "../host-abi/hosts-table.js";
import { AREAS, PHASE_NAMES } from "../host-abi/tables.js";

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

