// nginx configuration for guests: the snippet `ngxwasm install` writes into
// an nginx tree (a location block, or server-level lines), and the standalone
// nginx.conf `ngxwasm conf` writes for a set of guests, which needs nothing
// but the nginx on the machine and the module `ngxwasm module build` built.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { PHASE_NAMES, PHASES, type PhaseInfo } from "../host-abi/tables.js";
import { isPhase } from "../host/validate.js";
import { UsageError } from "./format.js";

/** One handler of the guest: the phase it runs in and its export. */
export interface Handler {
  phase: PhaseInfo;
  exportName: string;
}

/** The nginx snippet for one guest: a location block, or server-level lines for server-only phases. */
export function renderSnippet(args: {
  name: string;
  handlers: Handler[];
  location: string;
  directives: string[];
  source: string;
}): string {
  const { name, handlers, location, directives } = args;
  const lines = [...handlers.map((h) => `${h.phase.directive} wasm/${name}.wasm ${h.exportName};`), ...directives];
  const header = [
    `${WRITTEN_BY(name)}${args.source}; re-run it to update.`,
    `# Included inside the server block of nginx.conf; wasm/ resolves against the nginx prefix.`,
  ];
  if (handlers.every((h) => h.phase.contexts.includes("location"))) {
    return [...header, `location ${location} {`, ...lines.map((l) => `    ${l}`), "}", ""].join("\n");
  }
  const directiveNames = handlers.map((h) => h.phase.directive).join(", ");
  return [...header, `# ${directiveNames}: server-level (no location block).`, ...lines, ""].join("\n");
}

/** Whether the handler runs in an upstream {} block (balancer_by_wasm), not in a server. */
export const inUpstream = (h: Handler): boolean => h.phase.contexts.includes("upstream");

/** Whether the phase runs in a TLS handshake (ssl_client_hello, ssl_certificate). */
export const inHandshake = (p: PhaseInfo): boolean => p.name.startsWith("ssl_");

/**
 * `--phase` values (`PHASE` or `PHASE:EXPORT`) and `--export` → the handlers
 * to install. `upstream`: whether the caller can write an upstream {} block
 * (`ngxwasm conf`); a snippet included in a server block cannot.
 */
export function parseHandlers(phases: string[], exportOption: string | undefined, { upstream = false } = {}): Handler[] {
  const specs = phases.length ? phases : ["content"];
  if (exportOption !== undefined && specs.length > 1) {
    throw new UsageError(`--export names one handler, but ${specs.length} phases are given — write each as --phase PHASE:EXPORT`);
  }
  const handlers = specs.map((spec): Handler => {
    const [phaseName, exportName] = spec.split(":", 2) as [string, string | undefined];
    if (!isPhase(phaseName)) throw new UsageError(`unknown phase "${phaseName}" — use one of: ${PHASE_NAMES.join(", ")}`);
    const phase = PHASES.find((p) => p.name === phaseName)!;
    if (!phase.contexts.includes("location") && !phase.contexts.includes("server") && !(upstream && phase.contexts.includes("upstream"))) {
      throw new UsageError(
        `${phase.directive} belongs in an ${phase.contexts.join("/")} {} block, which a server-level snippet cannot hold — \`ngxwasm conf FILE.wasm --upstream NAME=HOST:PORT,…\` writes a whole nginx.conf with one, or add it to nginx.conf by hand (before keepalive; an example: nginx/module/README.md, "Balancer")`,
      );
    }
    return { phase, exportName: exportName || exportOption || phase.export };
  });
  const seen = new Set<string>();
  for (const h of handlers) {
    if (seen.has(h.phase.name)) throw new UsageError(`phase ${h.phase.name} is given twice — one handler per phase`);
    seen.add(h.phase.name);
  }
  const serverOnly = handlers.filter((h) => !h.phase.contexts.includes("location") && !inUpstream(h));
  if (serverOnly.length && serverOnly.length < handlers.length) {
    throw new UsageError(
      `${serverOnly.map((h) => h.phase.directive).join(", ")} is server-level and the other phases need a location — install them as two guests (--name)`,
    );
  }
  return handlers;
}

/**
 * The phases `ngxwasm conf` finds by export name, in the order nginx runs
 * them: the location-level ones, the balancer, the TLS ones (server_rewrite
 * shares on_rewrite with rewrite, which wins).
 */
const CONVENTIONAL_PHASES = PHASES.filter((p) => p.contexts.includes("location") || p.contexts.includes("upstream") || inHandshake(p));

/**
 * The handlers of a guest that exports conventionally named ones (on_rewrite,
 * on_access, on_content, on_header, on_body, on_log, on_balancer,
 * on_client_hello, on_certificate): one per phase whose conventional export
 * it has.
 */
export function conventionalHandlers(exportNames: string[]): Handler[] {
  return CONVENTIONAL_PHASES.filter((p) => exportNames.includes(p.export)).map((phase) => ({ phase, exportName: phase.export }));
}

/** One guest of a standalone configuration. */
export interface ConfGuest {
  /** the name (comments; default location /<name>) */
  name: string;
  /** the .wasm file; written as an absolute path */
  wasmPath: string;
  location: string;
  handlers: Handler[];
  /** extra directives of its block */
  directives?: string[];
  /** the servers of its upstream {} (a balancer handler), `host:port` */
  upstream?: string[];
}

export interface StandaloneConf {
  /** the ngx_http_wasm_module.so to load (absolute path) */
  modulePath: string;
  /** `listen` address (default 127.0.0.1:8080) */
  listen?: string;
  guests: ConfGuest[];
  /** a TLS server: its fallback certificate and key (for ssl_* handlers) */
  tls?: { certificate: string; key: string };
  /** what wrote it, for the header comment */
  source?: string;
}

const handlerLine = (g: ConfGuest, h: Handler): string => `${h.phase.directive} ${resolve(g.wasmPath)} ${h.exportName};`;

/**
 * The server-level lines and location blocks of the guests, indented for a
 * server block: a guest with a balancer handler is served by proxying to its
 * upstream (renderUpstreams).
 */
export function renderGuestBlocks(guests: ConfGuest[], indent = "        "): string {
  const blocks = guests.map((g) => {
    const serverLevel = g.handlers.filter((h) => !h.phase.contexts.includes("location") && !inUpstream(h));
    const located = g.handlers.filter((h) => h.phase.contexts.includes("location"));
    const lines = [...located.map((h) => handlerLine(g, h)), ...(g.upstream ? [`proxy_pass http://${g.name};`] : []), ...(g.directives ?? [])];
    // a guest with no location handler and no upstream is served at server level, its directives too
    if (!located.length && !g.upstream) return [`# ${g.name} (server-level)`, ...serverLevel.map((h) => handlerLine(g, h)), ...lines];
    return [`# ${g.name}`, ...serverLevel.map((h) => handlerLine(g, h)), `location ${g.location} {`, ...lines.map((l) => `    ${l}`), "}"];
  });
  return blocks.map((b) => b.map((l) => `${indent}${l}`).join("\n")).join("\n\n");
}

/** The upstream {} blocks of the guests with a balancer handler, in the http block. */
function renderUpstreams(guests: ConfGuest[]): string {
  return guests
    .filter((g) => g.upstream)
    .map((g) => [`    # ${g.name}: its balancer picks one of these per try`, `    upstream ${g.name} {`,
      ...g.handlers.filter(inUpstream).map((h) => `        ${handlerLine(g, h)}`),
      ...g.upstream!.map((s) => `        server ${s};`), "    }", ""].join("\n"))
    .join("\n");
}

/**
 * A complete nginx.conf serving the guests: relative paths (pid, logs, temp
 * files, the module's wasm_cache) resolve against the prefix nginx is started
 * with (`nginx -p DIR/ -c nginx.conf -e error.log`), so it runs as any user,
 * outside any tree of this repository.
 */
export function renderStandaloneConf(conf: StandaloneConf): string {
  return `# ${conf.source ?? "written by `ngxwasm conf`"}
# Run it with a prefix directory of your own (pid, logs, temp files and the
# module's compiled guests go there):
#   nginx -p "$PWD/" -c nginx.conf -e error.log              (add -g 'daemon off;' to stay in the foreground)
# As root, nginx's workers run as its default user, who must be able to read
# the .wasm files: add "user root;" or a user of yours below for a local test.
load_module ${resolve(conf.modulePath)};

worker_processes 1;
pid nginx.pid;
error_log error.log notice;

events {
    worker_connections 256;
}

http {
    access_log access.log;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
    wasm_cache_path wasm_cache;

${renderUpstreams(conf.guests)}    server {
        listen ${conf.listen ?? "127.0.0.1:8080"}${conf.tls ? " ssl" : ""};${
          conf.tls
            ? `\n        ssl_protocols TLSv1.2 TLSv1.3;\n        # the certificate of a handshake whose guest sets none\n        ssl_certificate ${resolve(conf.tls.certificate)};\n        ssl_certificate_key ${resolve(conf.tls.key)};`
            : ""
        }

${renderGuestBlocks(conf.guests)}
    }
}
`;
}

/** A guest name from its file: `build/hello.wasm` → `hello`. */
export function guestName(wasmPath: string): string {
  return basename(wasmPath).replace(/\.wasm$/, "");
}

/** The first line of every snippet `ngxwasm install` writes, up to its source. */
const WRITTEN_BY = (name: string) => `# ${name}: written by \`ngxwasm install\` from `;

/**
 * Why installing `name` at `location` from `source` would replace what is not
 * ours to replace, or undefined: conf.d/<name>.conf written by hand or
 * installed from another file (unless `force`), or another snippet of
 * conf.d/ serving the same location (nginx -t would refuse the duplicate).
 */
export function installConflict(args: { tree: string; name: string; location: string; source: string; force: boolean }): string | undefined {
  const confDir = join(args.tree, "conf.d");
  if (!existsSync(confDir)) return undefined;
  const own = join(confDir, `${args.name}.conf`);
  if (existsSync(own) && !args.force) {
    const first = readFileSync(own, "utf8").split("\n", 1)[0] ?? "";
    if (first !== `${WRITTEN_BY(args.name)}${args.source}; re-run it to update.`) {
      const from = first.startsWith(WRITTEN_BY(args.name)) ? `installed from ${first.slice(WRITTEN_BY(args.name).length).replace(/; re-run it to update\.$/, "")}` : "not written by ngxwasm install";
      return `${own} exists (${from}) — pass --name to install beside it, or --force to replace it`;
    }
  }
  const block = `location ${args.location} {`;
  for (const f of readdirSync(confDir).filter((f) => f.endsWith(".conf") && f !== `${args.name}.conf`).sort()) {
    const text = readFileSync(join(confDir, f), "utf8");
    if (text.split("\n").some((l) => l.trim() === block)) {
      return `${join(confDir, f)} already serves location ${args.location} — pass another --location, or remove that file`;
    }
  }
  return undefined;
}
