// A tiny reader for the parts of a WebAssembly binary the host checks and
// Node's `WasmModule.imports/exports` do not describe: function types
// of imports and exports, and memory limits; and the instruction immediates
// that code walkers (wasm-calls.ts, memory-limit.ts) skip. It runs only on
// modules that `wasm.compile` already validated, so it trusts their structure.

export type ValueType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";

export interface FuncType {
  params: ValueType[];
  results: ValueType[];
}

export interface MemoryLimits {
  min: number;
  max?: number;
}

export interface ModuleImport {
  module: string;
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
  /** function imports only */
  type?: FuncType;
}

export interface ModuleExport {
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
  /** function exports only */
  type?: FuncType;
}

export interface ModuleShape {
  imports: ModuleImport[];
  exports: ModuleExport[];
  /** memories defined by the module itself (imported ones are in `imports`) */
  memories: MemoryLimits[];
  /** exported function name → function index (imported functions first) */
  exportedFunctions: Map<string, number>;
}

const VALUE_TYPES: Record<number, ValueType> = {
  0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref",
};
const EXTERNAL_KINDS = ["function", "table", "memory", "global", "tag"] as const;

export function formatFuncType(t: FuncType): string {
  return `(${t.params.join(", ")}) -> ${t.results.length ? t.results.join(", ") : "()"}`;
}

/** A cursor over a module's bytes: LEB128 integers, names, types, limits. */
export class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error("unexpected end of module");
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
  }
  /** A signed LEB128 32-bit integer. */
  s32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }
  /** The next `n` bytes (a view, not a copy). */
  bytesAt(n: number): Uint8Array {
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }
  /** Skip a signed or unsigned LEB128 integer. */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }
  skip(n: number): void {
    this.pos += n;
  }
  name(): string {
    const len = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  valueType(): ValueType {
    const b = this.byte();
    const t = VALUE_TYPES[b];
    if (!t) throw new Error(`unsupported value type 0x${b.toString(16)}`);
    return t;
  }
  limits(): MemoryLimits {
    const flags = this.byte();
    const min = this.u32();
    return flags & 1 ? { min, max: this.u32() } : { min };
  }
}

/** Call `visit` with each section's id and a reader at its start; the next section is read from where the section ends. */
export function forEachSection(bytes: Uint8Array, visit: (id: number, r: Reader) => void): void {
  const r = new Reader(bytes);
  r.pos = 8; // magic + version
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    visit(id, r);
    r.pos = end;
  }
}

export function readModuleShape(bytes: Uint8Array): ModuleShape {
  const types: FuncType[] = [];
  const imports: ModuleImport[] = [];
  const funcTypes: FuncType[] = []; // by function index (imports first)
  const memories: MemoryLimits[] = [];
  const rawExports: { name: string; kind: ModuleExport["kind"]; index: number }[] = [];

  forEachSection(bytes, (id, r) => {
    switch (id) {
      case 1: // type
        for (let n = r.u32(); n > 0; n--) {
          const form = r.byte();
          if (form !== 0x60) throw new Error(`unsupported type form 0x${form.toString(16)}`);
          const params = Array.from({ length: r.u32() }, () => r.valueType());
          const results = Array.from({ length: r.u32() }, () => r.valueType());
          types.push({ params, results });
        }
        break;
      case 2: // import
        for (let n = r.u32(); n > 0; n--) {
          const module = r.name();
          const name = r.name();
          const kind = EXTERNAL_KINDS[r.byte()] ?? "tag";
          if (kind === "function") {
            const type = types[r.u32()]!;
            imports.push({ module, name, kind, type });
            funcTypes.push(type);
          } else {
            if (kind === "table") { r.byte(); r.limits(); }
            else if (kind === "memory") r.limits();
            else if (kind === "global") { r.valueType(); r.byte(); }
            else { r.byte(); r.u32(); }
            imports.push({ module, name, kind });
          }
        }
        break;
      case 3: // function
        for (let n = r.u32(); n > 0; n--) funcTypes.push(types[r.u32()]!);
        break;
      case 5: // memory
        for (let n = r.u32(); n > 0; n--) memories.push(r.limits());
        break;
      case 7: // export
        for (let n = r.u32(); n > 0; n--) {
          const name = r.name();
          const kind = EXTERNAL_KINDS[r.byte()] ?? "tag";
          rawExports.push({ name, kind, index: r.u32() });
        }
        break;
    }
  });

  const exports = rawExports.map(({ name, kind, index }): ModuleExport =>
    kind === "function" ? { name, kind, type: funcTypes[index] } : { name, kind },
  );
  const exportedFunctions = new Map(rawExports.filter((e) => e.kind === "function").map((e) => [e.name, e.index]));
  return { imports, exports, memories, exportedFunctions };
}

/** An instruction `skipImmediates` does not know (SIMD, atomics, a newer proposal). */
export class UnknownInstruction extends Error {}

/** Skip the immediates of one instruction (MVP, sign extension, saturating truncation, bulk memory, reference types). */
export function skipImmediates(r: Reader, op: number): void {
  if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b) return;
  if (op >= 0x45 && op <= 0xc4) return; // numeric instructions
  if (op >= 0x02 && op <= 0x04) return r.skipLeb(); // block type: 0x40, a value type or an s33 type index
  if (op === 0x0c || op === 0x0d) return r.skipLeb(); // br, br_if
  if (op === 0x0e) {
    for (let n = r.u32(); n > 0; n--) r.skipLeb();
    return r.skipLeb(); // br_table
  }
  if (op === 0x1c) return r.skip(r.u32()); // select t*: one byte per value type
  if (op >= 0x20 && op <= 0x26) return r.skipLeb(); // locals, globals, table.get/set
  if (op >= 0x28 && op <= 0x3e) {
    const align = r.u32();
    if (align & 0x40) r.skipLeb(); // multi-memory index
    return r.skipLeb(); // offset
  }
  if (op === 0x3f || op === 0x40) return r.skipLeb(); // memory.size/grow
  if (op === 0x41 || op === 0x42) return r.skipLeb(); // i32/i64.const
  if (op === 0x43) return r.skip(4);
  if (op === 0x44) return r.skip(8);
  if (op === 0xd0) return r.skip(1); // ref.null t
  if (op === 0xd1) return; // ref.is_null
  if (op === 0xfc) {
    const sub = r.u32();
    if (sub <= 7) return; // saturating truncation
    if (sub === 8 || sub === 12 || sub === 14) return r.skipLeb(), r.skipLeb(); // memory.init, table.init, table.copy
    if (sub === 10) return r.skipLeb(), r.skipLeb(); // memory.copy
    if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) return r.skipLeb();
  }
  throw new UnknownInstruction(`opcode 0x${op.toString(16)}`);
}
