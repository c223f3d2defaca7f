// Which imported functions each export can reach. SDK handlers of different
// phases share code in one module, so "every import is allowed in this phase"
// would refuse most multi-phase guests; following the calls from the handler
// export answers "can this handler call a function its phase forbids?".
//
// The walk is conservative. A `call_indirect` whose table index is loaded from
// a constant address in the module's static data (`i32.const A; i32.load;
// call_indirect`: how AssemblyScript calls a known function reference, e.g.
// the SDK's `handle(() => …)` once inlined) is read as a call to the function
// in that table slot. Any other reachable `call_indirect` makes every function
// that can sit in a table (element segments, `ref.func`) reachable. The start
// function runs before any handler. An instruction this reader does not know
// (SIMD, atomics, a newer proposal) gives up on the whole module: every export
// is then taken to reach every import.

import { forEachSection, Reader } from "./wasm-module.js";

export interface CallGraph {
  /** names of the imported functions `exportName` may call, directly or not; undefined for an unknown export */
  importsReachableFrom(exportName: string): string[] | undefined;
}

interface FunctionBody {
  calls: number[];
  /** a call_indirect whose table index cannot be read from static data */
  callsIndirect: boolean;
  /** static-data addresses holding the table index of a call_indirect */
  indirectThrough: number[];
}

/** Active data and element segments with constant offsets: the module's initial memory and table. */
interface Image {
  data: { offset: number; bytes: Uint8Array }[];
  table: Map<number, number>; // table-0 slot → function index
}

class UnknownInstruction extends Error {}

/** Read the module's calls. Assumes a module the validator has already found valid. */
export function readCallGraph(bytes: Uint8Array): CallGraph {
  const importNames: string[] = []; // function imports, by function index
  const exportIndex = new Map<string, number>();
  const bodies: FunctionBody[] = []; // defined functions, by index - importNames.length
  const tableable = new Set<number>(); // functions a call_indirect may reach
  const image: Image = { data: [], table: new Map() };
  let start: number | undefined;
  let understood = true;

  forEachSection(bytes, (id, r) => {
    switch (id) {
      case 2: // import
        for (let n = r.u32(); n > 0; n--) {
          r.name();
          const name = r.name();
          const kind = r.byte();
          if (kind === 0) {
            r.u32();
            importNames.push(name);
          } else if (kind === 1) {
            r.byte();
            r.limits();
          } else if (kind === 2) r.limits();
          else if (kind === 3) r.skip(2);
          else r.skip(1), r.u32();
        }
        break;
      case 7: // export
        for (let n = r.u32(); n > 0; n--) {
          const name = r.name();
          const kind = r.byte();
          const index = r.u32();
          if (kind === 0) exportIndex.set(name, index);
        }
        break;
      case 8: // start
        start = r.u32();
        break;
      case 9: // element
        try {
          readElements(r, tableable, image);
        } catch (e) {
          if (!(e instanceof UnknownInstruction)) throw e;
          understood = false;
        }
        break;
      case 10: // code
        for (let n = r.u32(); n > 0; n--) {
          const size = r.u32();
          const end = r.pos + size;
          try {
            bodies.push(readBody(r, end, tableable));
          } catch (e) {
            if (!(e instanceof UnknownInstruction)) throw e;
            understood = false;
            bodies.push({ calls: [], callsIndirect: false, indirectThrough: [] });
          }
          r.pos = end;
        }
        break;
      case 11: // data
        try {
          readData(r, image);
        } catch (e) {
          if (!(e instanceof UnknownInstruction)) throw e;
        }
        break;
    }
  });

  /** The function a call_indirect through static address `at` reaches, if the module's initial image says. */
  const staticTarget = (at: number): number | undefined => {
    for (const seg of image.data) {
      if (at >= seg.offset && at + 4 <= seg.offset + seg.bytes.length) {
        const i = at - seg.offset;
        const slot = seg.bytes[i]! | (seg.bytes[i + 1]! << 8) | (seg.bytes[i + 2]! << 16) | (seg.bytes[i + 3]! << 24);
        return image.table.get(slot >>> 0);
      }
    }
    return undefined;
  };

  const imported = importNames.length;
  return {
    importsReachableFrom(exportName: string): string[] | undefined {
      const root = exportIndex.get(exportName);
      if (root === undefined) return undefined;
      if (!understood) return [...new Set(importNames)];
      const seen = new Set<number>();
      const pending = start === undefined ? [root] : [root, start];
      let indirectAdded = false;
      while (pending.length) {
        const f = pending.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        const body = bodies[f - imported];
        if (!body) continue; // an import
        pending.push(...body.calls);
        let unknownTarget = body.callsIndirect;
        for (const at of body.indirectThrough) {
          const target = staticTarget(at);
          if (target === undefined) unknownTarget = true;
          else pending.push(target);
        }
        if (unknownTarget && !indirectAdded) {
          indirectAdded = true;
          pending.push(...tableable);
        }
      }
      return [...new Set([...seen].filter((f) => f < imported).map((f) => importNames[f]!))];
    },
  };
}

/** The element section: every function index it places (or may place) in a table, and table 0's initial slots. */
function readElements(r: Reader, tableable: Set<number>, image: Image): void {
  for (let n = r.u32(); n > 0; n--) {
    const flags = r.u32();
    const usesExpressions = (flags & 4) !== 0;
    let table = 0;
    let offset: number | undefined;
    if ((flags & 1) === 0) {
      if (flags & 2) table = r.u32();
      offset = readConstExpression(r, tableable);
    }
    if (flags & 3) r.byte(); // element kind or reference type
    for (let m = r.u32(), slot = 0; m > 0; m--, slot++) {
      const func = usesExpressions ? readConstExpression(r, tableable, true) : r.u32();
      if (func === undefined) continue;
      tableable.add(func);
      if (table === 0 && offset !== undefined) image.table.set(offset + slot, func);
    }
  }
}

/** The data section: active segments of memory 0 with a constant offset. */
function readData(r: Reader, image: Image): void {
  for (let n = r.u32(); n > 0; n--) {
    const flags = r.u32();
    let offset: number | undefined;
    let memory = 0;
    if (flags !== 1) {
      if (flags === 2) memory = r.u32();
      offset = readConstExpression(r, new Set());
    }
    const size = r.u32();
    const bytes = r.bytesAt(size);
    if (memory === 0 && offset !== undefined) image.data.push({ offset, bytes });
  }
}

/**
 * A constant expression: its `i32.const` value (or, with `wantFunction`, its
 * `ref.func` index) when it is just that; every `ref.func` is tableable.
 */
function readConstExpression(r: Reader, tableable: Set<number>, wantFunction = false): number | undefined {
  let value: number | undefined;
  let ops = 0;
  for (;;) {
    const op = r.byte();
    if (op === 0x0b) return ops === 1 ? value : undefined;
    ops++;
    if (op === 0xd2) {
      const func = r.u32();
      tableable.add(func);
      if (wantFunction) value = func;
    } else if (op === 0x41 && !wantFunction) value = r.s32();
    else skipImmediates(r, op);
  }
}

function readBody(r: Reader, end: number, tableable: Set<number>): FunctionBody {
  const body: FunctionBody = { calls: [], callsIndirect: false, indirectThrough: [] };
  for (let groups = r.u32(); groups > 0; groups--) {
    r.u32();
    r.byte(); // local count, value type
  }
  // The last `i32.const` operand, and the address an `i32.load` right after it read.
  let constant: number | undefined;
  let loadedFrom: number | undefined;
  while (r.pos < end) {
    const op = r.byte();
    let nextConstant: number | undefined;
    let nextLoadedFrom: number | undefined;
    if (op === 0x10 || op === 0x12) body.calls.push(r.u32()); // call, return_call
    else if (op === 0x11 || op === 0x13) {
      // call_indirect, return_call_indirect (type index, table index)
      r.u32();
      const table = r.u32();
      if (loadedFrom !== undefined && table === 0) body.indirectThrough.push(loadedFrom);
      else body.callsIndirect = true;
    } else if (op === 0xd2) tableable.add(r.u32()); // ref.func
    else if (op === 0x41) nextConstant = r.s32(); // i32.const
    else if (op === 0x28) {
      // i32.load: alignment, offset
      const align = r.u32();
      if (align & 0x40) r.skipLeb();
      const offset = r.u32();
      if (constant !== undefined) nextLoadedFrom = (constant >>> 0) + offset;
    } else skipImmediates(r, op);
    constant = nextConstant;
    loadedFrom = nextLoadedFrom;
  }
  return body;
}

/** Skip the immediates of one instruction (MVP, sign extension, saturating truncation, bulk memory, reference types). */
function skipImmediates(r: Reader, op: number): void {
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
