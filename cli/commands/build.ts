// `ngxwasm build [entry…] [--out-dir DIR] [--wat] [--debug] [--no-validate] [--host NAME]`
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildGuests, GUEST_RUNTIMES, type GuestRuntime } from "../build.js";
import { displayPath, err, formatSize, out, UsageError } from "../format.js";
import type { HostName } from "../../host-abi/hosts-table.js";
import { validateFile } from "../../host/validate.js";
import { hostOption } from "../hosts.js";

export interface BuildCommandOptions {
  outDir: string;
  wat?: boolean;
  debug?: boolean;
  runtime: GuestRuntime | "auto";
  validate: boolean;
  host: HostName;
}

export async function runBuild(entries: string[], options: BuildCommandOptions): Promise<number> {
  if (entries.length === 0) {
    if (!existsSync(join(process.cwd(), "index.ts"))) {
      throw new UsageError("no guest given and there is no index.ts here — pass a guest directory or .ts file (e.g. ngxwasm build guests/hello)");
    }
    entries = ["."];
  }
  if (options.runtime !== "auto" && !GUEST_RUNTIMES.includes(options.runtime)) {
    throw new UsageError(`unknown runtime "${options.runtime}" (one of auto, ${GUEST_RUNTIMES.join(", ")})`);
  }
  const results = await buildGuests(entries, { outDir: options.outDir, wat: options.wat, debug: options.debug, runtime: options.runtime });
  let failed = 0;
  for (const result of results) {
    const entry = displayPath(result.entry);
    if (!result.ok) {
      failed++;
      err(`failed ${entry}:`);
      for (const e of result.errors) err(e.replace(/^/gm, "  "));
      continue;
    }
    out(`built ${entry} → ${displayPath(result.wasmPath)} (${formatSize(result.size ?? 0)}, ${result.runtime} runtime: ${result.runtimeReason})`);
    if (!options.validate) continue;
    const { problems } = await validateFile(result.wasmPath, { fileName: displayPath(result.wasmPath), host: options.host });
    // The module is built either way; what the host lacks matters where it is installed.
    const forHost = problems.filter((p) => p.code === "host_area");
    const broken = problems.filter((p) => p.code !== "host_area");
    if (broken.length) failed++;
    for (const p of broken) err(p.message);
    for (const p of forHost) err(`warning: ${p.message}`);
  }
  if (failed) err(`${failed} of ${results.length} guest${results.length === 1 ? "" : "s"} failed`);
  return failed ? 1 : 0;
}

export function register(program: Command, finish: (code: number) => void): void {
  program
    .command("build")
    .description("compile AssemblyScript guests to WebAssembly and validate them")
    .argument("[entry...]", "guest directories (holding index.ts) or .ts files (default: the current directory)")
    .option("-o, --out-dir <dir>", "where <name>.wasm files are written", "build")
    .option("--wat", "also write the text format (<name>.wat)")
    .option("--debug", "no optimisation, with debug information")
    .option("--runtime <runtime>", "AssemblyScript runtime: auto (incremental for body filters, else stub), stub or incremental", "auto")
    .option("--no-validate", "skip validating the built modules")
    .addOption(hostOption("the host to warn about: an import whose area it lacks is a warning, not a failure"))
    .addHelpText(
      "after",
      `
All guests compile in one process with the project's compiler settings (never an
asconfig.json in the working directory) and the SDK's runtime hooks, so a built
guest imports nothing but ngx_wasm ABI functions. A guest's name is its directory
name (dir/index.ts) or its file name. An import the --host does not implement is
a warning ("warning: …"): the module is built, but that host will refuse it.
--runtime auto builds a guest that can call a body-filter function
(ngx_wasm_resp_*_body_chunk*) with the incremental runtime, which reclaims
memory between chunks, and every other guest with the stub runtime (a bump
allocator, the cheapest start); the "built" line says which, and why.
Exit code: 0 all built and valid, 1 a guest failed, 2 usage error.

Examples:
  $ ngxwasm build guests/hello                  # → build/hello.wasm
  $ ngxwasm build guests/*/ --out-dir build/guests
  $ cd guests/hello && ngxwasm build --wat`,
    )
    .action(async (entries: string[], options: BuildCommandOptions) => finish(await runBuild(entries, options)));
}
