// What each ngx_wasm host implements, from host-abi/hosts.json: the ABI areas
// a guest may import, the phases the host runs, its other directives. Kept
// apart from abi.json (the ABI itself); generate.ts's renderAll adds the files
// rendered here, so `make gen` writes them and its staleness check covers them:
//   host-abi/ngx_wasm_hosts.h   the nginx module's area and phase masks
//   host-abi/hosts-table.ts     the validator's `--host` (host/validate.ts, cli/)
//   host-abi/hosts.md           the reference: which host has what
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi } from "./generate.js";

export interface HostDirective {
  name: string;
  /** nginx contexts (http, server, location, upstream); absent when not documented */
  contexts?: string[];
  doc: string;
}

/** One host as written in hosts.json ("*" = every area or phase of abi.json). */
interface HostEntry {
  name: string;
  title: string;
  doc: string;
  nginxConf: boolean;
  areas: string[] | "*";
  phases: string[] | "*";
  directives?: HostDirective[];
}

interface HostsFile {
  default: string;
  hosts: HostEntry[];
}

/** A host with "*" expanded; areas and phases in abi.json's order. */
export interface HostSpec {
  name: string;
  title: string;
  doc: string;
  nginxConf: boolean;
  areas: string[];
  phases: string[];
  directives?: HostDirective[];
}

export interface Hosts {
  default: string;
  hosts: HostSpec[];
}

const CONTEXTS = ["http", "server", "location", "upstream"];

/** Read and check host-abi/hosts.json against the ABI. */
export function loadHosts(abi: Abi, root: string): Hosts {
  const file = JSON.parse(readFileSync(join(root, "host-abi", "hosts.json"), "utf8")) as HostsFile;
  const fail = (msg: string): never => {
    throw new Error(`hosts.json: ${msg}`);
  };
  const areaNames = Object.keys(abi.areas);
  const phaseNames = abi.phases.map((p) => p.name);
  const phaseDirectives = new Set(abi.phases.map((p) => p.directive));
  const resolve = (host: string, what: string, given: string[] | "*", known: string[]): string[] => {
    if (given === "*") return [...known];
    for (const g of given) if (!known.includes(g)) fail(`host ${host} lists ${what} "${g}", which is not in abi.json`);
    return known.filter((k) => given.includes(k));
  };
  const names = new Set<string>();
  const hosts = file.hosts.map((h): HostSpec => {
    if (!/^[a-z][a-z0-9_]*$/.test(h.name)) fail(`host name "${h.name}" must be lower-case letters, digits and _`);
    if (names.has(h.name)) fail(`host ${h.name} is listed twice`);
    names.add(h.name);
    for (const key of ["title", "doc"] as const) if (!h[key]) fail(`host ${h.name} has no ${key}`);
    if (typeof h.nginxConf !== "boolean") fail(`host ${h.name}: nginxConf must be true or false`);
    for (const d of h.directives ?? []) {
      if (phaseDirectives.has(d.name)) fail(`host ${h.name}: ${d.name} is a phase's directive; list the phase instead`);
      for (const c of d.contexts ?? []) if (!CONTEXTS.includes(c)) fail(`host ${h.name}: ${d.name} has unknown context "${c}"`);
    }
    return {
      name: h.name,
      title: h.title,
      doc: h.doc,
      nginxConf: h.nginxConf,
      areas: resolve(h.name, "area", h.areas, areaNames),
      phases: resolve(h.name, "phase", h.phases, phaseNames),
      ...(h.directives ? { directives: h.directives } : {}),
    };
  });
  if (!names.has(file.default)) fail(`the default host "${file.default}" is not one of the hosts`);
  return { default: file.default, hosts };
}

const BANNER = "GENERATED from host-abi/hosts.json by host-abi/hosts.ts. Do not edit; run `make gen`.";

function macroName(host: string): string {
  return "NGX_WASM_HOST_" + host.toUpperCase();
}

// ---------------------------------------------------------------- C header

export function renderHostsHeader(hosts: Hosts): string {
  const out: string[] = [`/* ${BANNER} */`, "",
    "/*", " * What each ngx_wasm host implements: the ABI areas (NGX_WASM_AREA_* bits)",
    " * whose functions a guest may import and the phases (NGX_WASM_PHASE_* bits)",
    " * it runs. The nginx module (nginx/module/) refuses a guest that imports a",
    " * function of an area outside NGX_WASM_HOST_NGINX_AREAS, and checks at compile",
    " * time that it has a directive for exactly the phases in NGX_WASM_HOST_NGINX_PHASES.",
    " */", "",
    "#ifndef NGX_WASM_HOSTS_H", "#define NGX_WASM_HOSTS_H", "", "#include \"ngx_wasm_guest_abi.h\"", ""];
  const mask = (bits: string[]) => (bits.length ? `(${bits.join(" | ")})` : "0u");
  for (const h of hosts.hosts) {
    out.push(`/* ${h.name}: ${h.title} */`);
    out.push(`#define ${macroName(h.name)}_AREAS ${mask(h.areas.map((a) => "NGX_WASM_AREA_" + a.toUpperCase()))}`);
    out.push(`#define ${macroName(h.name)}_PHASES ${mask(h.phases.map((p) => "NGX_WASM_PHASE_" + p.toUpperCase()))}`, "");
  }
  out.push("#endif /* NGX_WASM_HOSTS_H */", "");
  return out.join("\n");
}

// ------------------------------------------------------ TypeScript table

export function renderHostsTable(hosts: Hosts): string {
  const json = (v: unknown) => JSON.stringify(v);
  const out: string[] = [`// ${BANNER}`, "//",
    "// What each host implements, for the validator's `host` option (host/validate.ts)",
    "// and the CLI's `--host` (cli/).", "",
    'import type { Phase } from "./tables.js";', ""];
  out.push(`export const HOST_NAMES = ${json(hosts.hosts.map((h) => h.name))} as const;`);
  out.push("export type HostName = (typeof HOST_NAMES)[number];", "");
  out.push("/** The host the CLI checks against when --host is not given. */");
  out.push(`export const DEFAULT_HOST: HostName = ${json(hosts.default)};`, "");
  out.push("export interface HostDirective {", "  name: string;",
    "  /** nginx contexts (http, server, location, upstream); absent when not documented */",
    "  contexts?: readonly string[];", "  doc: string;", "}", "");
  out.push("export interface HostInfo {", "  name: HostName;", "  /** e.g. \"the in-process host\" */", "  title: string;",
    "  doc: string;", "  /** it reads nginx configuration (`ngxwasm install` can target it) */", "  nginxConf: boolean;",
    "  /** ABI areas whose functions a guest may import */", "  areas: readonly string[];",
    "  /** phases it runs (their *_by_wasm directives) */", "  phases: readonly Phase[];",
    "  /** its other directives; absent when not recorded */", "  directives?: readonly HostDirective[];", "}", "");
  out.push("export const HOSTS: readonly HostInfo[] = [");
  for (const h of hosts.hosts) out.push(`  ${json(h)},`);
  out.push("];", "");
  out.push("export const HOST_BY_NAME: ReadonlyMap<string, HostInfo> = new Map(HOSTS.map((h) => [h.name, h]));", "");
  return out.join("\n");
}

// ------------------------------------------------------------ reference

export function renderHostsMarkdown(abi: Abi, hosts: Hosts): string {
  const hs = hosts.hosts;
  const head = (first: string) => [`| ${first} | ${hs.map((h) => `\`${h.name}\``).join(" | ")} |`, `|---|${hs.map(() => "---|").join("")}`];
  const mark = (yes: boolean) => (yes ? "yes" : "—");
  const out: string[] = [`<!-- ${BANNER} -->`, "", "# ngx_wasm hosts — what each implements", "",
    "Generated from `host-abi/hosts.json`. A guest must stay within what its host",
    "implements: `ngxwasm validate`, `inspect` and `install` check it with",
    `\`--host NAME\` (default \`${hosts.default}\`), and the nginx module refuses, at`,
    "`nginx -t`, a guest importing a function of an area it lacks",
    "(`NGX_WASM_HOST_NGINX_AREAS` in the generated `ngx_wasm_hosts.h`).", "",
    "| host | | what it is |", "|---|---|---|"];
  for (const h of hs) out.push(`| \`${h.name}\` | ${h.title} | ${h.doc} |`);
  out.push("", "## Areas", "", "A guest importing any function of an area its host lacks does not load.", "", ...head("area"));
  for (const [area, doc] of Object.entries(abi.areas)) {
    out.push(`| \`${area}\` (${doc}) | ${hs.map((h) => mark(h.areas.includes(area))).join(" | ")} |`);
  }
  out.push("", "## Phases", "", ...head("phase (directive)"));
  for (const p of abi.phases) {
    out.push(`| \`${p.name}\` (\`${p.directive}\`) | ${hs.map((h) => mark(h.phases.includes(p.name))).join(" | ")} |`);
  }
  out.push("", "## Other directives", "");
  for (const h of hs) {
    if (!h.nginxConf) {
      out.push(`- \`${h.name}\`: none (it reads no nginx configuration)`);
      continue;
    }
    if (!h.directives) {
      out.push(`- \`${h.name}\`: not recorded`);
      continue;
    }
    out.push(`- \`${h.name}\`:`);
    for (const d of h.directives) {
      out.push(`  - \`${d.name}\` (${d.contexts?.join(", ") ?? "contexts not documented"}): ${d.doc}`);
    }
  }
  out.push("");
  return out.join("\n");
}

/** The files rendered from hosts.json, by path relative to the project root. */
export function renderHostFiles(abi: Abi, hosts: Hosts): Record<string, string> {
  return {
    "host-abi/ngx_wasm_hosts.h": renderHostsHeader(hosts),
    "host-abi/hosts-table.ts": renderHostsTable(hosts),
    "host-abi/hosts.md": renderHostsMarkdown(abi, hosts),
  };
}
