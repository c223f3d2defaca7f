// The guest validator: every rule a module must pass before nginx can run it,
// each broken rule reported as one line naming the file, the item and the fix.
// `ngxwasm validate/build/install/inspect` and Host.load (host/load.ts) share
// it, so a guest the in-process host accepts is one nginx accepts too.
// ABI facts come from the generated tables (host-abi/tables.ts), what each
// host implements from host-abi/hosts-table.ts (hosts.json); the module's
// structure from the host's reader (host/wasm-module.ts); wasm features from
// wabt.js, which validates the whole module and knows every opcode.
import { readFileSync, statSync } from "node:fs";
import wabtInit from "wabt";
import {
  HANDLER_SIGNATURE,
  HOST_FUNCTION_BY_NAME,
  IMPORT_MODULE,
  MEMORY_EXPORT,
  PHASE_NAMES,
  PHASES,
  UNSUPPORTED_FEATURES,
  type HostFunctionInfo,
  type Phase,
} from "../host-abi/tables.js";
import { HOST_BY_NAME, HOSTS, type HostInfo, type HostName } from "../host-abi/hosts-table.js";
import { readCallGraph } from "./wasm-calls.js";
import { formatFuncType, readModuleShape, type FuncType, type ModuleShape } from "./wasm-module.js";

export type ProblemCode =
  | "not_wasm"
  | "invalid_module"
  | "unsupported_feature"
  | "no_memory_export"
  | "missing_export"
  | "export_not_function"
  | "export_type"
  | "import_module"
  | "import_kind"
  | "runtime_import"
  | "unknown_import"
  | "import_type"
  | "phase"
  | "host_area"
  | "host_phase";

export interface Problem {
  code: ProblemCode;
  /** the export, import or feature the problem is about (host_area: the ABI area, host_phase: the phase) */
  item?: string;
  /** one line: `<file>: <what is wrong> — <what to do>` */
  message: string;
  /** the same line without the leading `<file>: ` */
  detail: string;
}

export interface ValidateOptions {
  /** handler exports that must exist with type `() -> i32` */
  exports?: readonly string[];
  /**
   * the imported functions must be allowed in this phase: those the `exports`
   * can reach (following calls), or every import when no export is named
   */
  phase?: Phase;
  /** handler exports that must exist, each checked for its own phase (what it can reach) */
  handlers?: readonly { export: string; phase: Phase }[];
  /**
   * the host the guest is for (host-abi/hosts.json): every import's area must
   * be one it implements, every phase checked one it runs. Without it only
   * the ABI's rules apply (what the in-process host, "ts", implements).
   */
  host?: HostName;
  /** how the module is named in messages (default "module") */
  fileName?: string;
}

/** `() -> i32`, from the ABI tables. */
export const HANDLER_TYPE: FuncType = { params: [...HANDLER_SIGNATURE.params], results: [HANDLER_SIGNATURE.result] };

/** The type an ABI function must be imported with: every parameter and the result are i32. */
export function abiFunctionType(info: HostFunctionInfo): FuncType {
  return { params: info.params.map(() => "i32"), results: ["i32"] };
}

type Feature = keyof typeof UNSUPPORTED_FEATURES;

/** AssemblyScript runtime imports that `ngxwasm build` replaces with sdk/runtime.ts. */
const RUNTIME_IMPORTS: Readonly<Record<string, string>> = {
  abort: "abort(), failed assertions and runtime errors",
  trace: "trace()",
  seed: "Math.random()",
};

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

let wabtReady: ReturnType<typeof wabtInit> | undefined;

/** wabt's first error line for `bytes` read and validated with these features, or null when valid. */
async function wabtError(bytes: Uint8Array, features: Record<Feature, boolean>): Promise<string | null> {
  const wabt = await (wabtReady ??= wabtInit());
  try {
    const module = wabt.readWasm(bytes, { readDebugNames: false, check: true, ...features });
    try {
      // wabt.js validates with the features it is given (its typings omit the parameter).
      (module as unknown as { validate(features: object): void }).validate(features);
    } finally {
      module.destroy();
    }
    return null;
  } catch (e) {
    const lines = (e as Error).message.split("\n").map((l) => l.trim());
    return lines.find((l) => /error:/.test(l))?.replace(/^.*?error:\s*/, "") ?? lines[0] ?? "invalid module";
  }
}

/**
 * Check a module: valid, no feature the host cannot compile, `memory` exported,
 * the handler exports present with type `() -> i32`, every import an ABI
 * function from `env` with its exact type, and (with `phase`) allowed there.
 */
export async function validateModule(bytes: Uint8Array, options: ValidateOptions = {}): Promise<Problem[]> {
  const file = options.fileName ?? "module";
  const problems: Problem[] = [];
  const report = (code: ProblemCode, item: string | undefined, detail: string) =>
    problems.push({ code, item, detail, message: `${file}: ${detail}` });

  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    report("not_wasm", undefined, "not a WebAssembly module (no \\0asm header) — pass a .wasm file built with `ngxwasm build`");
    return problems;
  }

  // Valid at all (with every feature on), then which unsupported features it needs.
  const all = Object.fromEntries(Object.keys(UNSUPPORTED_FEATURES).map((f) => [f, true])) as Record<Feature, boolean>;
  const invalid = await wabtError(bytes, all);
  if (invalid) {
    report("invalid_module", undefined, `not a valid WebAssembly module: ${invalid} — rebuild it with \`ngxwasm build\``);
    return problems;
  }
  for (const feature of Object.keys(UNSUPPORTED_FEATURES) as Feature[]) {
    if (await wabtError(bytes, { ...all, [feature]: false })) {
      report(
        "unsupported_feature",
        feature,
        `uses ${UNSUPPORTED_FEATURES[feature]}, which the nginx host's compiler (wasm2c) cannot compile — rebuild without it (\`ngxwasm build\` disables it)`,
      );
    }
  }

  let shape: ModuleShape;
  try {
    shape = readModuleShape(bytes);
  } catch (e) {
    report("invalid_module", undefined, `cannot read the module's structure: ${(e as Error).message} — rebuild it with \`ngxwasm build\``);
    return problems;
  }
  checkMemory(shape, report);
  const exports = options.exports ?? [];
  const handlers = options.handlers ?? [];
  for (const name of new Set([...exports, ...handlers.map((h) => h.export)])) checkHandlerExport(shape, name, report);
  checkImports(shape, report);
  const phase = options.phase;
  const phaseChecks: PhaseCheck[] = [...handlers];
  if (phase) phaseChecks.unshift(...(exports.length ? exports.map((e) => ({ export: e, phase })) : [{ phase }]));
  if (options.host) {
    const host = hostInfo(options.host);
    checkHostAreas(shape, host, report);
    checkHostPhases(host, phaseChecks, report);
  }
  checkPhases(bytes, shape, phaseChecks, report);
  return problems;
}

type Report = (code: ProblemCode, item: string | undefined, message: string) => void;

function checkMemory(shape: ModuleShape, report: Report): void {
  const memory = shape.exports.find((e) => e.name === MEMORY_EXPORT);
  if (!memory) {
    report(
      "no_memory_export",
      MEMORY_EXPORT,
      `exports no memory named "${MEMORY_EXPORT}" — a guest must export its linear memory as "${MEMORY_EXPORT}" (AssemblyScript does unless --noExportMemory)`,
    );
  } else if (memory.kind !== "memory") {
    report("no_memory_export", MEMORY_EXPORT, `export "${MEMORY_EXPORT}" is a ${memory.kind}, not a memory — export the linear memory under that name`);
  }
}

function checkHandlerExport(shape: ModuleShape, name: string, report: Report): void {
  const found = shape.exports.find((e) => e.name === name);
  if (!found) {
    const functions = shape.exports.filter((e) => e.kind === "function").map((e) => e.name);
    report(
      "missing_export",
      name,
      `export "${name}" is missing (exported functions: ${functions.join(", ") || "none"}) — add \`export function ${name}(): i32\` to the guest or pass the right export name`,
    );
  } else if (found.kind !== "function") {
    report("export_not_function", name, `export "${name}" is a ${found.kind}, not a function — a handler is a function of type ${formatFuncType(HANDLER_TYPE)}`);
  } else if (formatFuncType(found.type!) !== formatFuncType(HANDLER_TYPE)) {
    report(
      "export_type",
      name,
      `export "${name}" has type ${formatFuncType(found.type!)} but a handler must be ${formatFuncType(HANDLER_TYPE)} — declare it as \`export function ${name}(): i32\``,
    );
  }
}

function checkImports(shape: ModuleShape, report: Report): void {
  for (const imp of shape.imports) {
    const item = `${imp.module}.${imp.name}`;
    if (imp.module !== IMPORT_MODULE) {
      report(
        "import_module",
        item,
        `import "${item}" is not from module "${IMPORT_MODULE}" — a guest may import only ngx_wasm ABI functions from "${IMPORT_MODULE}" (no WASI or other modules)`,
      );
      continue;
    }
    if (imp.kind !== "function") {
      report("import_kind", item, `import "${item}" is a ${imp.kind} — a guest may import only ABI functions; it must define and export its own memory`);
      continue;
    }
    const info = HOST_FUNCTION_BY_NAME.get(imp.name);
    if (!info) {
      const hook = RUNTIME_IMPORTS[imp.name];
      if (hook) {
        report(
          "runtime_import",
          item,
          `import "${item}" is AssemblyScript's runtime hook for ${hook}, not an ngx_wasm ABI function — build with \`ngxwasm build\`, which wires the SDK's replacement (sdk/runtime.ts)`,
        );
      } else {
        report("unknown_import", item, `import "${item}" is not an ngx_wasm ABI v1 function — remove it; the ABI's functions are listed in host-abi/abi.md`);
      }
      continue;
    }
    const expected = formatFuncType(abiFunctionType(info));
    const actual = formatFuncType(imp.type!);
    if (actual !== expected) {
      report("import_type", item, `import "${item}" has type ${actual} but the ABI defines ${expected} — fix its declaration (sdk/raw.ts has the right one)`);
    }
  }
}

/** The hosts.json entry of `name` (an unknown name is a programming error: the CLI offers only HOST_NAMES). */
export function hostInfo(name: HostName): HostInfo {
  const host = HOST_BY_NAME.get(name);
  if (!host) throw new Error(`unknown host "${name}" (hosts: ${HOSTS.map((h) => h.name).join(", ")})`);
  return host;
}

/** "the reference ngx_wasm host (--host ngx_wasm) and the in-process host (--host ts)" */
function namedHosts(hosts: readonly HostInfo[], conjunction: "and" | "or"): string {
  const names = hosts.map((h) => `${h.title} (--host ${h.name})`);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} ${conjunction} ${names.at(-1)}` : (names[0] ?? "");
}

/** The module's ABI imports whose area `host` does not implement: it refuses the whole module. */
export function importsRefusedBy(host: HostInfo, importNames: readonly string[]): { name: string; area: string }[] {
  return importNames
    .map((name) => ({ name, area: HOST_FUNCTION_BY_NAME.get(name)?.area }))
    .filter((i): i is { name: string; area: string } => i.area !== undefined && !host.areas.includes(i.area));
}

/**
 * Every imported function (reachable or not: a host links them all when it
 * loads the module) must belong to an area the host implements. One problem
 * per missing area, naming its imports.
 */
function checkHostAreas(shape: ModuleShape, host: HostInfo, report: Report): void {
  const imports = shape.imports.filter((i) => i.module === IMPORT_MODULE && i.kind === "function").map((i) => i.name);
  const byArea = new Map<string, string[]>();
  for (const { name, area } of importsRefusedBy(host, imports)) byArea.set(area, [...(byArea.get(area) ?? []), name]);
  for (const [area, names] of byArea) {
    const one = names.length === 1;
    const what = `${one ? "import" : "imports"} ${names.map((n) => `"${IMPORT_MODULE}.${n}"`).join(", ")} (area ${area})`;
    const elsewhere = HOSTS.filter((h) => h !== host && h.areas.includes(area));
    const there = elsewhere.length ? `, or run the guest in ${namedHosts(elsewhere, "or")}` : "";
    report(
      "host_area",
      area,
      `${what} ${one ? "is" : "are"} not implemented by the ${host.name} host yet, which refuses the whole module — remove what calls ${one ? "it" : "them"}${there}`,
    );
  }
}

/** Every phase asked for must be one the host runs (it has that phase's directive). */
function checkHostPhases(host: HostInfo, checks: readonly PhaseCheck[], report: Report): void {
  for (const phase of new Set(checks.map((c) => c.phase))) {
    if (host.phases.includes(phase)) continue;
    const info = PHASES.find((p) => p.name === phase)!;
    const exports = checks.filter((c) => c.phase === phase && c.export !== undefined).map((c) => c.export);
    const what = exports.length ? `handler ${exports.join(", ")} for phase ${phase}` : `phase ${phase}`;
    const elsewhere = HOSTS.filter((h) => h !== host && h.phases.includes(phase));
    const there = elsewhere.length ? `, or target ${namedHosts(elsewhere, "or")}` : "";
    report(
      "host_phase",
      phase,
      `${what}: the ${host.name} host does not run phase ${phase} (it has no ${info.directive}); it runs ${host.phases.join(", ")} — use one of those phases${there}`,
    );
  }
}

/** A phase requirement: on what `export` can reach, or on every import when no export is named. */
interface PhaseCheck {
  export?: string;
  phase: Phase;
}

/**
 * Every ABI function a handler can reach must be allowed in its phase. With
 * no export named, every imported function counts (handlers share code).
 */
function checkPhases(bytes: Uint8Array, shape: ModuleShape, checks: readonly PhaseCheck[], report: Report): void {
  const graph = checks.some((c) => c.export !== undefined) ? readCallGraph(bytes, shape) : undefined;
  for (const phase of new Set(checks.map((c) => c.phase))) {
    const phaseInfo = PHASES.find((p) => p.name === phase)!;
    const reachedBy = new Map<string, string[]>(); // import → the named exports reaching it
    for (const check of checks.filter((c) => c.phase === phase)) {
      if (check.export === undefined) {
        for (const imp of shape.imports) if (imp.module === IMPORT_MODULE) reachedBy.set(imp.name, reachedBy.get(imp.name) ?? []);
        continue;
      }
      for (const imp of graph!.importsReachableFrom(check.export) ?? []) reachedBy.set(imp, [...(reachedBy.get(imp) ?? []), check.export]);
    }
    for (const [name, by] of reachedBy) {
      const info = HOST_FUNCTION_BY_NAME.get(name);
      if (!info || info.phases.includes(phase)) continue;
      const item = `${IMPORT_MODULE}.${name}`;
      const where = by.length ? `${by.join(", ")} can call` : "the module imports";
      const fix = by.length
        ? `remove that call from ${by.join(", ")}'s code path`
        : `name the handler with --export so only the calls it can reach are checked, or remove the call`;
      report(
        "phase",
        item,
        `${where} "${item}" (in the SDK: ${info.sdk}), which is not allowed in phase ${phaseInfo.name} (${phaseInfo.directive}); it is allowed in: ${info.phases.join(", ")} — ${fix}`,
      );
    }
  }
}

/** Read and validate a .wasm file; a missing or unreadable file is a problem too. */
export async function validateFile(
  path: string,
  options: Omit<ValidateOptions, "fileName"> & { fileName?: string } = {},
): Promise<{ bytes?: Uint8Array; problems: Problem[] }> {
  const file = options.fileName ?? path;
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new Error("is a directory");
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    const detail = `cannot read the file (${reason}) — pass the path of a .wasm file (build one with \`ngxwasm build\`)`;
    return { problems: [{ code: "not_wasm", detail, message: `${file}: ${detail}` }] };
  }
  return { bytes, problems: await validateModule(bytes, { ...options, fileName: file }) };
}

/**
 * Phases in which every imported ABI function may be called (the phases the
 * module can serve); with `host`, only the phases that host runs.
 */
export function phasesAllowing(importNames: readonly string[], host?: HostInfo): Phase[] {
  return PHASE_NAMES.filter(
    (phase) =>
      (!host || host.phases.includes(phase)) &&
      importNames.every((name) => HOST_FUNCTION_BY_NAME.get(name)?.phases.includes(phase) ?? false),
  );
}

export function isPhase(name: string): name is Phase {
  return (PHASE_NAMES as readonly string[]).includes(name);
}
