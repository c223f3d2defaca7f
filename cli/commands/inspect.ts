// `ngxwasm inspect <file.wasm> [--json]`
import type { Command } from "commander";
import { AREAS, HOST_FUNCTION_BY_NAME, IMPORT_MODULE, PHASES, type Phase } from "../../host-abi/tables.js";
import { readCallGraph } from "../../host/wasm-calls.js";
import { formatFuncType, readModuleShape } from "../../host/wasm-module.js";
import { err, formatSize, out } from "../format.js";
import { HANDLER_TYPE, phasesAllowing, validateFile } from "../../host/validate.js";

export interface Inspection {
  file: string;
  size: number;
  exports: { name: string; kind: string; type?: string }[];
  imports: { module: string; name: string; kind: string; type?: string; area?: string; phases?: Phase[] }[];
  /** ABI areas the imports belong to */
  areas: { area: string; doc: string }[];
  /** phases in which every imported function is allowed */
  phases: Phase[];
  /**
   * exports of type () -> i32, each with the phases it can serve (those allowing
   * every host function it can reach) and the phases its name is conventional for
   */
  handlers: { export: string; phases: Phase[]; conventionalFor: Phase[] }[];
  /** what `ngxwasm validate` (without --export/--phase) reports */
  problems: string[];
}

export function inspectModule(file: string, bytes: Uint8Array, problems: string[]): Inspection {
  const shape = readModuleShape(bytes);
  const abiImports = shape.imports.filter((i) => i.kind === "function");
  const areaNames = [...new Set(abiImports.map((i) => HOST_FUNCTION_BY_NAME.get(i.name)?.area).filter((a) => a !== undefined))];
  const phases = phasesAllowing(shape.imports.map((i) => i.name));
  const graph = readCallGraph(bytes, shape);
  const handlers = shape.exports
    .filter((e) => e.kind === "function" && formatFuncType(e.type!) === formatFuncType(HANDLER_TYPE))
    .map((e) => ({
      export: e.name,
      phases: phasesAllowing(graph.importsReachableFrom(e.name) ?? []),
      conventionalFor: PHASES.filter((p) => p.export === e.name).map((p) => p.name),
    }));
  return {
    file,
    size: bytes.byteLength,
    exports: shape.exports.map((e) => ({ name: e.name, kind: e.kind, ...(e.type ? { type: formatFuncType(e.type) } : {}) })),
    imports: shape.imports.map((i) => {
      const info = i.module === IMPORT_MODULE ? HOST_FUNCTION_BY_NAME.get(i.name) : undefined;
      return {
        module: i.module,
        name: i.name,
        kind: i.kind,
        ...(i.type ? { type: formatFuncType(i.type) } : {}),
        ...(info ? { area: info.area, phases: [...info.phases] } : {}),
      };
    }),
    areas: areaNames.map((area) => ({ area, doc: AREAS[area] ?? "" })),
    phases,
    handlers,
    problems,
  };
}

function printText(i: Inspection): void {
  const width = (names: string[]) => Math.max(0, ...names.map((n) => n.length));
  out(`${i.file}  ${formatSize(i.size)} (${i.size} bytes)`);
  out("exports:");
  const ew = width(i.exports.map((e) => e.name));
  for (const e of i.exports) out(`  ${e.name.padEnd(ew)}  ${e.type ? `function ${e.type}` : e.kind}`);
  out(i.imports.length ? "imports:" : "imports: none");
  const iw = width(i.imports.map((m) => `${m.module}.${m.name}`));
  for (const m of i.imports) {
    const what = m.type ? m.type : m.kind;
    const note = m.area ? `  [${m.area}]` : "  [not in the ABI]";
    out(`  ${`${m.module}.${m.name}`.padEnd(iw)}  ${what}${note}`);
  }
  out(`ABI areas: ${i.areas.map((a) => `${a.area} (${a.doc})`).join(", ") || "none"}`);
  out(`phases it can serve: ${i.phases.join(", ") || "none"}`);
  out(i.handlers.length ? "handlers (the phases each can serve, from the host functions it can reach):" : "handlers: no export of type () -> i32");
  const hw = width(i.handlers.map((h) => h.export));
  for (const h of i.handlers) {
    const conventional = h.conventionalFor.length ? `  (named for ${h.conventionalFor.join(", ")})` : "";
    out(`  ${h.export.padEnd(hw)}  ${h.phases.join(", ") || "none"}${conventional}`);
  }
  if (i.problems.length) {
    out(`problems (${i.problems.length}):`);
    for (const p of i.problems) out(`  ${p}`);
  }
}

export async function runInspect(file: string, options: { json?: boolean }): Promise<number> {
  const { bytes, problems } = await validateFile(file);
  // Only a module that cannot be read at all stops the inspection.
  const unreadable = problems.find((p) => p.code === "not_wasm" || p.code === "invalid_module");
  if (!bytes || unreadable) {
    for (const p of problems) err(p.message);
    return 1;
  }
  const inspection = inspectModule(file, bytes, problems.map((p) => p.message));
  if (options.json) out(JSON.stringify(inspection, null, 2));
  else printText(inspection);
  return 0;
}

export function register(program: Command, finish: (code: number) => void): void {
  program
    .command("inspect")
    .description("show a module's exports, imports, ABI areas and the phases it can serve")
    .argument("<file.wasm>", "the module to inspect")
    .option("--json", "print one JSON object instead of text")
    .addHelpText(
      "after",
      `
"phases it can serve" lists the phases in which every imported host function is
allowed; "handlers" lists each export of type () -> i32 with the phases in
which every host function it can reach (following calls) is allowed, and the
phases its name is conventional for (on_content, on_rewrite, …). Problems that
\`ngxwasm validate\` would report are listed too.
Exit code: 0 inspected, 1 not a readable WebAssembly module, 2 usage error.

Examples:
  $ ngxwasm inspect build/hello.wasm
  $ ngxwasm inspect build/hello.wasm --json | jq .phases`,
    )
    .action(async (file: string, options: { json?: boolean }) => finish(await runInspect(file, options)));
}
