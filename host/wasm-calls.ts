// Which imported functions each export can reach. SDK handlers of different
// phases share code in one module, so "every import is allowed in this phase"
// would refuse most multi-phase guests; following the calls from the handler
// export answers "can this handler call a function its phase forbids?".
//
// The walk is conservative, with two exceptions for how AssemblyScript calls a
// function reference: a static Function object in data whose first field is
// the table slot, loaded right before `call_indirect`.
// - `i32.const A; i32.load; call_indirect` (a known reference, e.g. the SDK's
//   `handle(() => …)` once inlined) calls the function in the slot stored at A.
// - `global.get G; i32.load; call_indirect` calls any function whose Function
//   object reachable code stores in G (`i32.const A; global.set G`, or G's
//   initial value); the SDK writes the response body that way.
// Any other reachable `call_indirect`, or one through a global that reachable
// code sets to a computed value, makes every function that can sit in a table
// (element segments, `ref.func`) reachable. The start function runs before any
// handler. An instruction this reader does not know (SIMD, atomics, a newer
// proposal) gives up on the whole module: every export then reaches every import.

import { forEachSection, readModuleShape, Reader, skipImmediates, UnknownInstruction, type ModuleShape } from "./wasm-module.js";

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
  /** call_indirect through the Function object a global points to (at `offset` in it) */
  indirectViaGlobal: { global: number; offset: number }[];
  /** `i32.const value; global.set global` */
  globalStores: { global: number; value: number }[];
  /** globals set to a computed value */
  globalsSetOtherwise: number[];
}

function emptyBody(): FunctionBody {
  return { calls: [], callsIndirect: false, indirectThrough: [], indirectViaGlobal: [], globalStores: [], globalsSetOtherwise: [] };
}

/** Active data and element segments with constant offsets: the module's initial memory and table. */
interface Image {
  data: { offset: number; bytes: Uint8Array }[];
  table: Map<number, number>; // table-0 slot → function index
}

/** Read the module's calls. Assumes a module the validator has already found valid. */
export function readCallGraph(bytes: Uint8Array, shape: ModuleShape = readModuleShape(bytes)): CallGraph {
  const importNames = shape.imports.filter((i) => i.kind === "function").map((i) => i.name); // by function index
  const exportIndex = shape.exportedFunctions;
  const bodies: FunctionBody[] = []; // defined functions, by index - importNames.length
  const tableable = new Set<number>(); // functions a call_indirect may reach
  const image: Image = { data: [], table: new Map() };
  // by global index: the i32.const initial value, if any (imported globals are set by the embedder: unknown)
  const globalInit: (number | undefined)[] = shape.imports.filter((i) => i.kind === "global").map(() => undefined);
  let start: number | undefined;
  let understood = true;

  try {
    forEachSection(bytes, (id, r) => {
      switch (id) {
        case 6: // global
          for (let n = r.u32(); n > 0; n--) {
            r.skip(2); // value type, mutability
            globalInit.push(readConstExpression(r, tableable));
          }
          break;
        case 8: // start
          start = r.u32();
          break;
        case 9: // element
          readElements(r, tableable, image);
          break;
        case 10: // code
          for (let n = r.u32(); n > 0; n--) {
            const size = r.u32();
            const end = r.pos + size;
            bodies.push(readBody(r, end, tableable));
            r.pos = end;
          }
          break;
        case 11: // data
          readData(r, image);
          break;
      }
    });
  } catch (e) {
    if (!(e instanceof UnknownInstruction)) throw e;
    understood = false;
  }

  /** The function a call_indirect through static address `at` reaches, if the module's initial image says. */
  const staticTarget = (at: number): number | undefined => {
    // Initial memory is zero where no segment writes (the optimizer trims trailing zeros); a later segment wins.
    const byteAt = (address: number): number => {
      let value = 0;
      for (const seg of image.data) {
        if (address >= seg.offset && address < seg.offset + seg.bytes.length) value = seg.bytes[address - seg.offset]!;
      }
      return value;
    };
    const slot = byteAt(at) | (byteAt(at + 1) << 8) | (byteAt(at + 2) << 16) | (byteAt(at + 3) << 24);
    return image.table.get(slot >>> 0);
  };

  const imported = importNames.length;
  return {
    importsReachableFrom(exportName: string): string[] | undefined {
      const root = exportIndex.get(exportName);
      if (root === undefined) return undefined;
      if (!understood) return [...new Set(importNames)];

      const seen = new Set<number>();
      const pending = start === undefined ? [root] : [root, start];
      let everyTableable = false;
      const reachAll = () => {
        if (!everyTableable) pending.push(...tableable);
        everyTableable = true;
      };
      // A Function object's address → its function; 0 is null (AssemblyScript traps before calling it).
      const reachThrough = (address: number) => {
        if (address === 0) return;
        const target = staticTarget(address);
        if (target === undefined) reachAll();
        else pending.push(target);
      };
      const offsetsCalled = (global: number) => callSites.get(global) ?? new Set<number>();
      const stored = new Map<number, Set<number>>(); // global → Function object addresses stored by reached code
      const setOtherwise = new Set<number>();
      const callSites = new Map<number, Set<number>>(); // global → offsets of reached calls through it
      const store = (global: number, value: number) => {
        const values = stored.get(global) ?? new Set<number>();
        if (values.has(value)) return;
        stored.set(global, values.add(value));
        for (const offset of offsetsCalled(global)) reachThrough(value + offset);
      };
      globalInit.forEach((value, global) => (value === undefined ? setOtherwise.add(global) : store(global, value)));

      while (pending.length) {
        const f = pending.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        const body = bodies[f - imported];
        if (!body) continue; // an import
        pending.push(...body.calls);
        if (body.callsIndirect) reachAll();
        for (const at of body.indirectThrough) reachThrough(at);
        for (const { global, value } of body.globalStores) store(global, value);
        for (const global of body.globalsSetOtherwise) {
          setOtherwise.add(global);
          if (callSites.has(global)) reachAll();
        }
        for (const { global, offset } of body.indirectViaGlobal) {
          const offsets = offsetsCalled(global);
          if (offsets.has(offset)) continue;
          callSites.set(global, offsets.add(offset));
          if (setOtherwise.has(global)) reachAll();
          for (const value of stored.get(global) ?? []) reachThrough(value + offset);
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
  const body = emptyBody();
  for (let groups = r.u32(); groups > 0; groups--) {
    r.u32();
    r.byte(); // local count, value type
  }
  // What the previous instruction was, when it matters: an `i32.const` value,
  // a `global.get` index, or where an `i32.load` right after one of them read.
  let constant: number | undefined;
  let globalRead: number | undefined;
  let loaded: { address: number } | { global: number; offset: number } | undefined;
  while (r.pos < end) {
    const op = r.byte();
    let nextConstant: number | undefined;
    let nextGlobalRead: number | undefined;
    let nextLoaded: typeof loaded;
    if (op === 0x10 || op === 0x12) body.calls.push(r.u32()); // call, return_call
    else if (op === 0x11 || op === 0x13) {
      // call_indirect, return_call_indirect (type index, table index)
      r.u32();
      const table = r.u32();
      if (loaded && table === 0) {
        if ("address" in loaded) body.indirectThrough.push(loaded.address);
        else body.indirectViaGlobal.push(loaded);
      } else body.callsIndirect = true;
    } else if (op === 0xd2) tableable.add(r.u32()); // ref.func
    else if (op === 0x41) nextConstant = r.s32(); // i32.const
    else if (op === 0x23) nextGlobalRead = r.u32(); // global.get
    else if (op === 0x24) {
      // global.set
      const global = r.u32();
      if (constant !== undefined) body.globalStores.push({ global, value: constant >>> 0 });
      else body.globalsSetOtherwise.push(global);
    } else if (op === 0x28) {
      // i32.load: alignment, offset
      const align = r.u32();
      if (align & 0x40) r.skipLeb();
      const offset = r.u32();
      if (constant !== undefined) nextLoaded = { address: (constant >>> 0) + offset };
      else if (globalRead !== undefined) nextLoaded = { global: globalRead, offset };
    } else skipImmediates(r, op);
    constant = nextConstant;
    globalRead = nextGlobalRead;
    loaded = nextLoaded;
  }
  return body;
}
