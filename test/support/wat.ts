// WebAssembly text → binary for tests, with wabt.js. `abiGuest` wraps handler
// code in a module that imports exactly the ABI functions the code calls
// (`$ngx_wasm_*`, types from the generated table) and exports one page of memory.
import wabtInit from "wabt";
import { HOST_FUNCTION_BY_NAME } from "../../host-abi/tables.js";

const wabtReady = wabtInit();

/** Assemble WAT text into a .wasm binary. */
export async function wat(text: string, name = "guest.wat"): Promise<Uint8Array> {
  const wabt = await wabtReady;
  const module = wabt.parseWat(name, text);
  try {
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The `(import "env" …)` line of an ABI function, its type taken from the generated table. */
export function abiImport(name: string): string {
  const info = HOST_FUNCTION_BY_NAME.get(name);
  if (!info) throw new Error(`${name} is not an ABI function`);
  const params = info.params.length ? ` (param${" i32".repeat(info.params.length)})` : "";
  return `(import "env" "${name}" (func $${name}${params} (result i32)))`;
}

/**
 * A guest module around `body` (functions, globals, data, exports): every
 * `$ngx_wasm_*` the body mentions is imported, and memory is exported.
 */
export function abiGuest(body: string, options: { memoryPages?: number } = {}): Promise<Uint8Array> {
  const used = [...new Set(body.match(/\$ngx_wasm_\w+/g) ?? [])].map((n) => n.slice(1));
  const text = `(module
  ${used.map(abiImport).join("\n  ")}
  (memory (export "memory") ${options.memoryPages ?? 1})
  ${body}
)`;
  return wat(text);
}
