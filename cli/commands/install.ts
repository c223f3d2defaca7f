// `ngxwasm install <file.wasm> [--tree nginx] [--location /path] [--phase content]
//  [--export NAME] [--directive "…;"]… [--name NAME]`
import type { Command } from "commander";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { PHASE_NAMES, PHASES, type PhaseInfo } from "../../host-abi/tables.js";
import { displayPath, err, out, repeatable, UsageError } from "../format.js";
import { validateFile } from "../../host/validate.js";
import { parsePhase } from "./validate.js";

export interface InstallCommandOptions {
  tree: string;
  location?: string;
  phase: string;
  export?: string;
  directive: string[];
  name?: string;
}

/** The nginx snippet for one guest: a location block, or server-level lines for server-only phases. */
export function renderSnippet(args: {
  name: string;
  phase: PhaseInfo;
  exportName: string;
  location: string;
  directives: string[];
  source: string;
}): string {
  const { name, phase, exportName, location, directives } = args;
  const lines = [`${phase.directive} wasm/${name}.wasm ${exportName};`, ...directives];
  const header = [
    `# ${name}: written by \`ngxwasm install\` from ${args.source}; re-run it to update.`,
    `# Included inside the server block of nginx.conf; wasm/ resolves against the nginx prefix.`,
  ];
  if (phase.contexts.includes("location")) {
    return [...header, `location ${location} {`, ...lines.map((l) => `    ${l}`), "}", ""].join("\n");
  }
  return [...header, `# ${phase.directive} is a server-level directive (no location block).`, ...lines, ""].join("\n");
}

export async function runInstall(file: string, options: InstallCommandOptions): Promise<number> {
  const phaseName = parsePhase(options.phase)!;
  const phase = PHASES.find((p) => p.name === phaseName)!;
  if (!phase.contexts.includes("location") && !phase.contexts.includes("server")) {
    throw new UsageError(
      `${phase.directive} belongs in an ${phase.contexts.join("/")} {} block, which a server-level snippet cannot hold — add it to nginx.conf by hand`,
    );
  }
  if (!phase.contexts.includes("location") && options.location !== undefined) {
    throw new UsageError(`--location does not apply to ${phase.directive}: it is a server-level directive — drop --location`);
  }
  const name = options.name ?? basename(file).replace(/\.wasm$/, "");
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new UsageError(`"${name}" is not a usable guest name (letters, digits, _ . -) — pass --name`);
  }
  const exportName = options.export ?? phase.export;
  const location = options.location ?? `/${name}`;
  if (/[{};]/.test(location) || !location.trim()) throw new UsageError(`--location "${location}" is not a location (e.g. /hello)`);
  const directives = options.directive.map((d) => d.trim()).map((d) => (/[;}]$/.test(d) ? d : `${d};`));

  const { problems } = await validateFile(file, { exports: [exportName], phase: phase.name });
  if (problems.length) {
    for (const p of problems) err(p.message);
    err(`not installed: ${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
    return 1;
  }

  const wasmDir = join(options.tree, "wasm");
  const confDir = join(options.tree, "conf.d");
  mkdirSync(wasmDir, { recursive: true });
  mkdirSync(confDir, { recursive: true });
  const wasmPath = join(wasmDir, `${name}.wasm`);
  const confPath = join(confDir, `${name}.conf`);
  copyFileSync(file, wasmPath);
  const snippet = renderSnippet({ name, phase, exportName, location, directives, source: displayPath(file) });
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
    .option("-p, --phase <phase>", `the phase the handler runs in (${PHASE_NAMES.join(", ")})`, "content")
    .option("-e, --export <name>", "the handler export (default: the phase's conventional name, e.g. on_content)")
    .addOption(repeatable("-d, --directive <text>", 'an extra directive for the block, e.g. "proxy_pass http://backend;"'))
    .option("-n, --name <name>", "the installed name (default: the file name without .wasm)")
    .addHelpText(
      "after",
      `
Validates the module for the export and phase first and refuses a broken one.
Then copies it to <tree>/wasm/<name>.wasm and writes <tree>/conf.d/<name>.conf:
  location <path> { <phase directive> wasm/<name>.wasm <export>; <directives> }
Server-level phases (server_rewrite, ssl_*) are written without a location block;
balancer_by_wasm belongs in an upstream {} block and is not installed this way.
Exit code: 0 installed, 1 the module has problems, 2 usage error.

Examples:
  $ ngxwasm install build/guests/hello.wasm
  $ ngxwasm install build/guests/rewrite.wasm --location / --phase rewrite \\
      --directive 'return 200 "fell through\\n";'
  $ ngxwasm install build/guests/uppercase.wasm --phase body_filter \\
      --directive 'proxy_pass http://127.0.0.1:8081;'`,
    )
    .action(async (file: string, options: InstallCommandOptions) => finish(await runInstall(file, options)));
}
