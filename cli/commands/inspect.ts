// `ngxwasm inspect <file.wasm> [--json] [--host NAME]`
import type { Command } from "commander";
import type { HostName } from "../../host-abi/hosts-table.js";
import { AREAS, HOST_FUNCTION_BY_NAME, IMPORT_MODULE, PHASES, type Phase } from "../../host-abi/tables.js";
import { readCallGraph } from "../../host/wasm-calls.js";
import { formatFuncType, readModuleShape } from "../../host/wasm-module.js";
import { err, formatSize, out } from "../format.js";
import { hostOption, hostsHelp } from "../hosts.js";
import { HANDLER_TYPE, hostInfo, importsRefusedBy, phasesAllowing, validateFile } from "../../host/validate.js";

export interface Inspection {
  file: string;
  size: number;
  /** the host the phases are for (--host) */
  host: HostName;
  exports: { name: string; kind: string; type?: string }[];
  /** ABI imports carry their area, the phases the ABI allows them in, and whether the host implements the area */
  /** sdk: the SDK calls that reach the import (abi.json) */
  imports: { module: string; name: string; kind: string; type?: string; area?: string; sdk?: string; phases?: Phase[]; onHost?: boolean }[];
  /** ABI areas the imports belong to */
  areas: { area: string; doc: string }[];
  /** imports whose area the host does not implement: it refuses the module, which then serves no phase there */
  refusedImports: { name: string; area: string }[];
  /** phases the host runs in which every imported function is allowed */
  phases: Phase[];
  /**
   * exports of type () -> i32, each with the phases it can serve on the host
   * (those it runs that allow every host function the export can reach) and
   * the phases its name is conventional for
   */
  handlers: { export: string; phases: Phase[]; conventionalFor: Phase[] }[];
  /** what `ngxwasm validate --host` (without --export/--phase) reports */
  problems: string[];
}

export function inspectModule(file: string, bytes: Uint8Array, problems: string[], hostName: HostName): Inspection {
  const host = hostInfo(hostName);
  const shape = readModuleShape(bytes);
  const abiImports = shape.imports.filter((i) => i.kind === "function");
  const areaNames = [...new Set(abiImports.map((i) => HOST_FUNCTION_BY_NAME.get(i.name)?.area).filter((a) => a !== undefined))];
  const refusedImports = importsRefusedBy(
    host,
    abiImports.filter((i) => i.module === IMPORT_MODULE).map((i) => i.name),
  );
  // A host that refuses the module serves it in no phase.
  const servable = (phases: Phase[]) => (refusedImports.length ? [] : phases);
  const phases = servable(phasesAllowing(shape.imports.map((i) => i.name), host));
  const graph = readCallGraph(bytes, shape);
  const handlers = shape.exports
    .filter((e) => e.kind === "function" && formatFuncType(e.type!) === formatFuncType(HANDLER_TYPE))
    .map((e) => ({
      export: e.name,
      phases: servable(phasesAllowing(graph.importsReachableFrom(e.name) ?? [], host)),
      conventionalFor: PHASES.filter((p) => p.export === e.name).map((p) => p.name),
    }));
  return {
    file,
    size: bytes.byteLength,
    host: host.name,
    exports: shape.exports.map((e) => ({ name: e.name, kind: e.kind, ...(e.type ? { type: formatFuncType(e.type) } : {}) })),
    imports: shape.imports.map((i) => {
      const info = i.module === IMPORT_MODULE ? HOST_FUNCTION_BY_NAME.get(i.name) : undefined;
      return {
        module: i.module,
        name: i.name,
        kind: i.kind,
        ...(i.type ? { type: formatFuncType(i.type) } : {}),
        ...(info ? { area: info.area, sdk: info.sdk, phases: [...info.phases], onHost: host.areas.includes(info.area) } : {}),
      };
    }),
    areas: areaNames.map((area) => ({ area, doc: AREAS[area] ?? "" })),
    refusedImports,
    phases,
    handlers,
    problems,
  };
}

function printText(i: Inspection): void {
  const width = (names: string[]) => Math.max(0, ...names.map((n) => n.length));
  out(`${i.file}  ${formatSize(i.size)} (${i.size} bytes)`);
  out(`host: ${i.host} (${hostInfo(i.host).title}; --host to change)`);
  out("exports:");
  const ew = width(i.exports.map((e) => e.name));
  for (const e of i.exports) out(`  ${e.name.padEnd(ew)}  ${e.type ? `function ${e.type}` : e.kind}`);
  out(i.imports.length ? "imports:" : "imports: none");
  const iw = width(i.imports.map((m) => `${m.module}.${m.name}`));
  for (const m of i.imports) {
    const what = m.type ? m.type : m.kind;
    const note = m.area ? `  [${m.area}${m.onHost ? "" : `, not on ${i.host}`}]` : "  [not in the ABI]";
    out(`  ${`${m.module}.${m.name}`.padEnd(iw)}  ${what}${note}${m.sdk ? `  ← ${m.sdk}` : ""}`);
  }
  out(`ABI areas: ${i.areas.map((a) => `${a.area} (${a.doc})`).join(", ") || "none"}`);
  if (i.refusedImports.length) {
    const areas = [...new Set(i.refusedImports.map((r) => r.area))];
    out(
      `phases it can serve on ${i.host}: none — the ${i.host} host refuses the module: it lacks ${areas.join(", ")} ` +
        `(imports ${i.refusedImports.map((r) => r.name).join(", ")})`,
    );
  } else {
    out(`phases it can serve on ${i.host}: ${i.phases.join(", ") || "none"}`);
  }
  out(
    i.handlers.length
      ? `handlers (the phases each can serve on ${i.host}, from the host functions it can reach):`
      : "handlers: no export of type () -> i32",
  );
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

export interface InspectCommandOptions {
  json?: boolean;
  host: HostName;
}

export async function runInspect(file: string, options: InspectCommandOptions): Promise<number> {
  const { bytes, problems } = await validateFile(file, { host: options.host });
  // Only a module that cannot be read at all stops the inspection.
  const unreadable = problems.find((p) => p.code === "not_wasm" || p.code === "invalid_module");
  if (!bytes || unreadable) {
    for (const p of problems) err(p.message);
    return 1;
  }
  const inspection = inspectModule(file, bytes, problems.map((p) => p.message), options.host);
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
    .addOption(hostOption("the host whose phases are listed"))
    .addHelpText(
      "after",
      `
"phases it can serve" lists the phases the --host runs in which every imported
host function is allowed (none when the host lacks the area of an import: it
refuses the whole module); "handlers" lists each export of type () -> i32 with
the phases the host runs in which every host function it can reach (following
calls) is allowed, and the phases its name is conventional for (on_content,
on_rewrite, …). Problems that \`ngxwasm validate --host\` would report are
listed too.
Exit code: 0 inspected, 1 not a readable WebAssembly module, 2 usage error.

${hostsHelp()}

Examples:
  $ ngxwasm inspect build/hello.wasm
  $ ngxwasm inspect build/aggregate.wasm --host ts
  $ ngxwasm inspect build/hello.wasm --json | jq .phases`,
    )
    .action(async (file: string, options: InspectCommandOptions) => finish(await runInspect(file, options)));
}
