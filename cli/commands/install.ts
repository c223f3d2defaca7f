// `ngxwasm install <file.wasm> [--tree nginx] [--location /path]
//  [--phase PHASE[:EXPORT]]… [--export NAME] [--directive "…;"]… [--name NAME] [--host NAME]`
import type { Command } from "commander";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { HOSTS, type HostName } from "../../host-abi/hosts-table.js";
import { PHASE_NAMES } from "../../host-abi/tables.js";
import { displayPath, err, out, repeatable, UsageError } from "../format.js";
import { directiveRefusal, hostOption, hostsHelp } from "../hosts.js";
import { installConflict, parseHandlers, renderSnippet } from "../nginx-conf.js";
import { hostInfo, validateFile } from "../../host/validate.js";

export interface InstallCommandOptions {
  tree: string;
  location?: string;
  phase: string[];
  export?: string;
  directive: string[];
  name?: string;
  host: HostName;
  force?: boolean;
}

export async function runInstall(file: string, options: InstallCommandOptions): Promise<number> {
  const host = hostInfo(options.host);
  if (!host.nginxConf) {
    const targets = HOSTS.filter((h) => h.nginxConf).map((h) => h.name);
    throw new UsageError(`the ${host.name} host (${host.title}) reads no nginx configuration — install targets ${targets.join(" or ")} (--host)`);
  }
  const handlers = parseHandlers(options.phase, options.export);
  const inLocation = handlers[0]!.phase.contexts.includes("location");
  if (!inLocation && options.location !== undefined) {
    throw new UsageError(`--location does not apply to ${handlers[0]!.phase.directive}: it is a server-level directive — drop --location`);
  }
  const name = options.name ?? basename(file).replace(/\.wasm$/, "");
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new UsageError(`"${name}" is not a usable guest name (letters, digits, _ . -) — pass --name`);
  }
  const location = options.location ?? `/${name}`;
  if (/[{};]/.test(location) || !location.trim()) throw new UsageError(`--location "${location}" is not a location (e.g. /hello)`);
  const directives = options.directive.map((d) => d.trim()).map((d) => (/[;}]$/.test(d) ? d : `${d};`));
  for (const d of directives) {
    const refusal = directiveRefusal(d, host, inLocation ? "location" : "server", handlers.map((h) => h.phase.directive));
    if (refusal) throw new UsageError(`--directive "${d}": ${refusal}`);
  }

  // Each handler is checked for its own phase (only what it can reach counts)
  // and against the target host: nothing is written unless the host takes it.
  const { problems } = await validateFile(file, {
    handlers: handlers.map((h) => ({ export: h.exportName, phase: h.phase.name })),
    host: host.name,
  });
  if (problems.length) {
    for (const p of problems) err(p.message);
    err(`not installed: ${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"} for the ${host.name} host`);
    return 1;
  }

  // never replace what the user installed (make start installs the examples too)
  const conflict = installConflict({ tree: options.tree, name, location, source: displayPath(file), force: options.force ?? false });
  if (conflict) {
    err(conflict);
    err(`not installed: ${file} would replace what is already in ${displayPath(options.tree)}`);
    return 1;
  }

  const wasmDir = join(options.tree, "wasm");
  const confDir = join(options.tree, "conf.d");
  mkdirSync(wasmDir, { recursive: true });
  mkdirSync(confDir, { recursive: true });
  const wasmPath = join(wasmDir, `${name}.wasm`);
  const confPath = join(confDir, `${name}.conf`);
  copyFileSync(file, wasmPath);
  const snippet = renderSnippet({ name, handlers, location, directives, source: displayPath(file) });
  writeFileSync(confPath, snippet);

  out(`installed ${displayPath(file)} → ${displayPath(wasmPath)}`);
  out(`wrote ${displayPath(confPath)}:`);
  out(snippet.replace(/^/gm, "  ").trimEnd());
  out(`reload nginx to serve it: nginx -p ${displayPath(options.tree)}/ -c nginx.conf -s reload (or \`make start\`)`);
  return 0;
}

export function register(program: Command, finish: (code: number) => void): void {
  program
    .command("install")
    .description("validate a guest and install it into an nginx tree (wasm/ + conf.d/)")
    .argument("<file.wasm>", "the module to install")
    .option("-t, --tree <dir>", "the nginx tree (its nginx.conf includes conf.d/*.conf in its server block)", "nginx")
    .option("-l, --location <path>", "the location to serve (default: /<name>)")
    .addOption(
      repeatable(
        "-p, --phase <phase[:export]>",
        `a phase the guest runs in, optionally with its handler export (${PHASE_NAMES.join(", ")}; default content)`,
      ),
    )
    .option("-e, --export <name>", "the handler export when one phase is given (default: the phase's conventional name, e.g. on_content)")
    .addOption(repeatable("-d, --directive <text>", 'an extra directive for the block, e.g. "proxy_pass http://backend;"'))
    .option("-n, --name <name>", "the installed name (default: the file name without .wasm)")
    .option("-f, --force", "replace conf.d/<name>.conf even when it was written by hand or installed from another file")
    .addOption(hostOption("the host whose nginx configuration the snippet is for (nginx or ngx_wasm)"))
    .addHelpText(
      "after",
      `
Validates each handler for its phase first (only the host functions it can
reach count) and against the --host (it must implement the area of every
import and run every phase; its own directives in --directive must exist and
be allowed in the block), and refuses what the host would refuse at nginx -t:
nothing is written then. Otherwise copies the module to
<tree>/wasm/<name>.wasm and writes <tree>/conf.d/<name>.conf:
  location <path> { <phase directive> wasm/<name>.wasm <export>; … <directives> }
Server-level phases (server_rewrite, ssl_*) are written without a location block;
balancer_by_wasm belongs in an upstream {} block and is not installed this way.
It never replaces conf.d/<name>.conf written by hand or installed from
another file (unless --force), nor serves a location another snippet of
conf.d/ serves: it says which file, and writes nothing.
Exit code: 0 installed, 1 the module has problems or the tree has a conflict,
2 usage error.

${hostsHelp()}

Examples:
  $ ngxwasm install build/guests/hello.wasm
  $ ngxwasm install build/guests/rewrite.wasm --location / --phase rewrite \\
      --directive 'return 200 "fell through\\n";'
  $ ngxwasm install build/guests/uppercase.wasm --phase header_filter:on_header \\
      --phase body_filter:on_body --directive 'proxy_pass http://127.0.0.1:8081;'`,
    )
    .action(async (file: string, options: InstallCommandOptions) => finish(await runInstall(file, options)));
}
