// Loading a guest: compile it and check the shape ABI v1 requires (an exported
// `memory`, imports only from the ABI with their exact types). The CLI validator
// (cli/validate.ts) applies the full rule set; these are the checks without
// which the in-process host cannot run a guest at all.

import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { HOST_FUNCTION_BY_NAME, IMPORT_MODULE, MEMORY_EXPORT } from "../host-abi/tables.js";
import { wasm, type WasmModule } from "./wasm-api.js";
import { formatFuncType, readModuleShape, type FuncType, type ModuleExport, type ModuleShape } from "./wasm-module.js";

/** A compiled guest, ready for `Host.run`. */
export interface Guest {
  /** the name used in error lines (file name without `.wasm`, or the given name) */
  name: string;
  /** the .wasm path when loaded from a file */
  file?: string;
  module: WasmModule;
  /** exports with their function types (handlers are `() -> i32`) */
  exports: ModuleExport[];
  /** ABI functions the guest imports */
  imports: string[];
  /** initial and maximum memory pages declared by the guest */
  memoryPages: { min: number; max?: number };
}

export class GuestLoadError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`cannot load guest ${source}:\n  - ${problems.join("\n  - ")}`);
    this.name = "GuestLoadError";
  }
}

export const HANDLER_TYPE: FuncType = { params: [], results: ["i32"] };

function abiType(paramCount: number): FuncType {
  return { params: Array(paramCount).fill("i32"), results: ["i32"] };
}

function sameType(a: FuncType, b: FuncType): boolean {
  return formatFuncType(a) === formatFuncType(b);
}

export async function loadGuest(
  source: string | Uint8Array,
  name: string | undefined,
  maxMemoryPages: number,
): Promise<Guest> {
  const file = typeof source === "string" ? source : undefined;
  const label = file ?? `"${name ?? "guest"}" (bytes)`;
  let bytes: Uint8Array;
  try {
    bytes = typeof source === "string" ? new Uint8Array(await readFile(source)) : source;
  } catch (e) {
    throw new GuestLoadError(label, [`cannot read the file: ${(e as Error).message}`]);
  }

  let module: WasmModule;
  try {
    module = await wasm.compile(bytes);
  } catch (e) {
    throw new GuestLoadError(label, [`not a valid WebAssembly module: ${(e as Error).message}`]);
  }
  let shape: ModuleShape;
  try {
    shape = readModuleShape(bytes);
  } catch (e) {
    throw new GuestLoadError(label, [`unsupported module structure: ${(e as Error).message}`]);
  }
  const problems: string[] = [];

  for (const imp of shape.imports) {
    const item = `import "${imp.module}.${imp.name}"`;
    if (imp.module !== IMPORT_MODULE) {
      problems.push(`${item}: every import must come from module "${IMPORT_MODULE}" (no WASI or other modules)`);
      continue;
    }
    if (imp.kind !== "function") {
      problems.push(`${item} is a ${imp.kind}; a guest may import only ABI functions (it must export its own memory)`);
      continue;
    }
    const info = HOST_FUNCTION_BY_NAME.get(imp.name);
    if (!info) {
      problems.push(
        `${item} is not an ngx_wasm ABI v1 function (see host-abi/abi.md); ` +
          `AssemblyScript's env.abort/env.trace/env.seed must be replaced with --use (ngxwasm build does this)`,
      );
      continue;
    }
    const want = abiType(info.params.length);
    if (!sameType(imp.type!, want)) {
      problems.push(`${item} has type ${formatFuncType(imp.type!)} but the ABI defines ${formatFuncType(want)}`);
    }
  }

  const memoryExport = shape.exports.find((e) => e.name === MEMORY_EXPORT);
  if (!memoryExport) problems.push(`no export named "${MEMORY_EXPORT}": a guest must export its linear memory`);
  else if (memoryExport.kind !== "memory") problems.push(`export "${MEMORY_EXPORT}" is a ${memoryExport.kind}, not a memory`);

  const memory = shape.memories[0] ?? { min: 0 };
  if (memory.min > maxMemoryPages) {
    problems.push(`memory starts at ${memory.min} pages, above the host limit of ${maxMemoryPages} pages (maxMemoryPages)`);
  }

  if (problems.length) throw new GuestLoadError(label, problems);
  return {
    name: name ?? (file ? basename(file).replace(/\.wasm$/, "") : "guest"),
    file,
    module,
    exports: shape.exports,
    imports: shape.imports.map((i) => i.name),
    memoryPages: memory,
  };
}
