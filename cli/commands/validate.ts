// `ngxwasm validate <file.wasm> [--export NAME]… [--phase PHASE] [--host NAME]`
import type { Command } from "commander";
import { err, out, repeatable, UsageError } from "../format.js";
import type { HostName } from "../../host-abi/hosts-table.js";
import { PHASE_NAMES, type Phase } from "../../host-abi/tables.js";
import { isPhase, validateFile } from "../../host/validate.js";
import { hostOption, hostsHelp } from "../hosts.js";

export interface ValidateCommandOptions {
  export: string[];
  phase?: string;
  host: HostName;
}

/** A `--phase` value checked against the ABI's phases (usage error otherwise). */
export function parsePhase(name: string | undefined): Phase | undefined {
  if (name === undefined) return undefined;
  if (!isPhase(name)) throw new UsageError(`unknown phase "${name}" — use one of: ${PHASE_NAMES.join(", ")}`);
  return name;
}

export async function runValidate(file: string, options: ValidateCommandOptions): Promise<number> {
  const phase = parsePhase(options.phase);
  const { problems } = await validateFile(file, { exports: options.export, phase, host: options.host });
  for (const p of problems) err(p.message);
  if (problems.length) {
    err(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
    return 1;
  }
  const checked = [
    options.export.length ? `exports ${options.export.join(", ")}` : "",
    phase ? `phase ${phase}` : "",
  ].filter(Boolean);
  out(`${file}: ok for the ${options.host} host${checked.length ? ` (${checked.join("; ")})` : ""}`);
  return 0;
}

export function register(program: Command, finish: (code: number) => void): void {
  program
    .command("validate")
    .description("check that a .wasm module can run as an ngx_wasm guest")
    .argument("<file.wasm>", "the module to check")
    .addOption(repeatable("-e, --export <name>", "a handler export that must exist with type () -> i32"))
    .option("-p, --phase <phase>", `every imported host function must be allowed in this phase (${PHASE_NAMES.join(", ")})`)
    .addOption(hostOption("the host the guest is for: it must implement every imported function's area and run the --phase"))
    .addHelpText(
      "after",
      `
Checks: the file is WebAssembly; it exports its memory as "memory"; each --export
is a function () -> i32; every import is an ngx_wasm ABI function from "env" with
its exact type (and, with --phase, allowed in that phase); no SIMD, threads, tail
calls or memory64 (the nginx host cannot compile them); the --host implements
the area of every import (it refuses the whole module otherwise) and runs the
--phase.
Exit code: 0 ok, 1 problems found (one line each), 2 usage error.

${hostsHelp()}

Examples:
  $ ngxwasm validate build/hello.wasm
  $ ngxwasm validate build/hello.wasm --export on_content --phase content
  $ ngxwasm validate build/logger.wasm -e on_log -p log
  $ ngxwasm validate build/aggregate.wasm --host ts   # uses subrequests`,
    )
    .action(async (file: string, options: ValidateCommandOptions) => finish(await runValidate(file, options)));
}
