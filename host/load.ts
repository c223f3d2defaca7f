// Loading a guest: the validator's rules (host/validate.ts, the same ones
// `ngxwasm validate` and nginx apply), then this host's own memory limit
// (written into the module: host/memory-limit.ts), then compilation.

import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { addFuel } from "./fuel.js";
import { limitMemory } from "./memory-limit.js";
import { validateModule } from "./validate.js";
import { wasm, type WasmModule } from "./wasm-api.js";
import { readModuleShape, type ModuleExport } from "./wasm-module.js";

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
  /**
   * The host's cap in pages, compiled into `module` (a grow past it fails),
   * and whether the module reports a refused grow (it has a `memory.grow`).
   */
  memoryLimit: { pages: number; tracksRefusedGrow: boolean };
  /** whether the module charges fuel (host/fuel.ts); false only for code the host's reader does not know */
  fuelCounted: boolean;
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

  // The rules for this host: every area and phase of the ABI (hosts.json "ts").
  const problems = (await validateModule(bytes, { fileName: label, host: "ts" })).map((p) => p.detail);
  if (problems.length) throw new GuestLoadError(label, problems);

  const shape = readModuleShape(bytes);
  const memory = shape.memories[0] ?? { min: 0 };
  if (memory.min > maxMemoryPages) {
    throw new GuestLoadError(label, [
      `memory starts at ${memory.min} pages, above the host limit of ${maxMemoryPages} pages (maxMemoryPages)`,
    ]);
  }
  // Fuel is charged as nginx charges it (host/fuel.ts), before the memory
  // cap adds its grow hook, which charges nothing, as memory.grow in nginx.
  const fueled = addFuel(bytes);
  // As in nginx, memory.grow past the cap fails (the module's maximum is lowered to it).
  const limited = limitMemory(fueled.bytes, maxMemoryPages);
  let module: WasmModule;
  try {
    module = await wasm.compile(limited.bytes);
  } catch (e) {
    throw new GuestLoadError(label, [`not a valid WebAssembly module for this engine: ${(e as Error).message}`]);
  }
  return {
    name: name ?? (file ? basename(file).replace(/\.wasm$/, "") : "guest"),
    file,
    module,
    exports: shape.exports,
    imports: shape.imports.map((i) => i.name),
    memoryPages: memory,
    memoryLimit: { pages: maxMemoryPages, tracksRefusedGrow: limited.tracksRefusedGrow },
    fuelCounted: fueled.counted,
  };
}
