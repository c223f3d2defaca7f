// `ngxwasm conf`: a standalone nginx.conf (or just the location blocks) for a
// set of built guests. Each guest's handlers are its conventionally named
// exports (on_content → content_by_wasm, …) unless --phase names them; each is
// validated for its phase against the nginx host, as `ngxwasm install` does,
// and nothing is written when one has a problem. A balancer guest gets an
// upstream {} of the servers --upstream names and a location proxying to it;
// TLS guests a TLS server with --ssl-certificate as the fallback.
import { readFileSync } from "node:fs";
import type { HostName } from "../host-abi/hosts-table.js";
import { validateFile } from "../host/validate.js";
import { readModuleShape } from "../host/wasm-module.js";
import { UsageError } from "./format.js";
import { conventionalHandlers, guestName, inHandshake, inUpstream, parseHandlers, renderGuestBlocks, renderStandaloneConf, type ConfGuest } from "./nginx-conf.js";

export interface ConfOptions {
  /** the module .so (written as an absolute path) */
  module: string;
  listen: string;
  /** `NAME=PHASE[:EXPORT]`, repeatable */
  phase: string[];
  /** `NAME=/path`, repeatable */
  location: string[];
  /** `NAME=TEXT`, repeatable */
  directive: string[];
  /** `NAME=HOST:PORT[,HOST:PORT…]`, repeatable: the servers of a balancer guest's upstream */
  upstream: string[];
  /** the server's fallback certificate and key: a TLS server, for ssl_* handlers */
  sslCertificate?: string;
  sslCertificateKey?: string;
  /** only the location blocks, to include in a server block */
  snippet?: boolean;
  host: HostName;
}

/** `--phase hello=content:on_content` → { hello: ["content:on_content"] }; each NAME must be a guest. */
function byGuest(option: string, values: string[], names: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const value of values) {
    const eq = value.indexOf("=");
    const name = value.slice(0, eq);
    if (eq <= 0 || !names.includes(name)) {
      throw new UsageError(`--${option} "${value}": write it as NAME=…, NAME one of the guests (${names.join(", ")})`);
    }
    map.set(name, [...(map.get(name) ?? []), value.slice(eq + 1)]);
  }
  return map;
}

export interface ConfResult {
  /** the configuration text, when every guest is fine */
  text?: string;
  /** one line each, naming the file and what to do */
  problems: string[];
  guests: ConfGuest[];
}

export async function renderConf(files: string[], options: ConfOptions): Promise<ConfResult> {
  const names = files.map(guestName);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new UsageError(`two guests are named "${duplicate}" (from their file names) — rename one file`);
  const phases = byGuest("phase", options.phase, names);
  const locations = byGuest("location", options.location, names);
  const directives = byGuest("directive", options.directive, names);
  const upstreams = byGuest("upstream", options.upstream ?? [], names);
  if ((options.sslCertificate === undefined) !== (options.sslCertificateKey === undefined)) {
    throw new UsageError("--ssl-certificate and --ssl-certificate-key go together: the server's fallback certificate and its key");
  }
  const tls = options.sslCertificate !== undefined ? { certificate: options.sslCertificate, key: options.sslCertificateKey! } : undefined;
  const problems: string[] = [];
  const guests: ConfGuest[] = [];
  for (const [i, file] of files.entries()) {
    const name = names[i]!;
    const asked = phases.get(name);
    let handlers;
    if (asked) {
      handlers = parseHandlers(asked, undefined, { upstream: true });
    } else {
      let exportNames: string[];
      try {
        exportNames = readModuleShape(new Uint8Array(readFileSync(file))).exports.map((e) => e.name);
      } catch (e) {
        problems.push(`${file}: cannot read it as WebAssembly (${(e as Error).message}) — pass a module built with \`ngxwasm build\``);
        continue;
      }
      handlers = conventionalHandlers(exportNames);
      if (!handlers.length) {
        problems.push(
          `${file}: exports no conventionally named handler (on_content, on_rewrite, on_access, on_header, on_body, on_log, on_balancer, on_client_hello, on_certificate; it exports ${exportNames.join(", ") || "nothing"}) — name its phases: --phase ${name}=content:<export>`,
        );
        continue;
      }
    }
    const { problems: invalid } = await validateFile(file, {
      handlers: handlers.map((h) => ({ export: h.exportName, phase: h.phase.name })),
      host: options.host,
    });
    problems.push(...invalid.map((p) => p.message));
    const location = locations.get(name)?.at(-1) ?? `/${name}`;
    if (/[{};\s]/.test(location)) throw new UsageError(`--location ${name}=${location}: not a location (e.g. /hello)`);
    const extra = (directives.get(name) ?? []).map((d) => d.trim()).map((d) => (/[;}]$/.test(d) ? d : `${d};`));
    const servers = (upstreams.get(name) ?? []).flatMap((u) => u.split(",")).map((s) => s.trim()).filter(Boolean);
    for (const s of servers) {
      if (/[{};\s]/.test(s)) throw new UsageError(`--upstream ${name}=…: "${s}" is not a server address (e.g. 127.0.0.1:9001)`);
    }
    const balancer = handlers.some(inUpstream);
    if (balancer && !servers.length) {
      problems.push(`${file}: ${name} has a balancer handler, which picks among an upstream's servers — name them: --upstream ${name}=127.0.0.1:9001,127.0.0.1:9002`);
    } else if (!balancer && servers.length) {
      problems.push(`${file}: --upstream ${name}=… is given, but ${name} has no balancer handler (on_balancer, or --phase ${name}=balancer:<export>)`);
    } else if (balancer && options.snippet) {
      problems.push(`${file}: ${name}'s balancer needs an upstream {} block in the http block, which a --snippet (included in a server block) cannot hold — write the whole nginx.conf, without --snippet`);
    }
    const handshake = handlers.filter((h) => inHandshake(h.phase));
    if (handshake.length && !tls && !options.snippet) {
      problems.push(`${file}: ${name}'s ${handshake.map((h) => h.phase.directive).join(", ")} run in TLS handshakes — give the server its fallback certificate: --ssl-certificate FILE --ssl-certificate-key FILE`);
    }
    guests.push({ name, wasmPath: file, location, handlers, directives: extra, ...(balancer && servers.length ? { upstream: servers } : {}) });
  }
  if (problems.length) return { problems, guests };
  const text = options.snippet
    ? `# written by \`ngxwasm conf --snippet\`: include it inside a server block of an nginx that loads the module\n${renderGuestBlocks(guests, "")}\n`
    : renderStandaloneConf({ modulePath: options.module, listen: options.listen, guests, tls, source: `written by \`ngxwasm conf ${files.join(" ")}\`` });
  return { text, problems, guests };
}
