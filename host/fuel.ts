// Fuel: the deterministic execution budget of `wasm_fuel_limit`, counted the
// way the nginx module counts it. There, the guest's C (wasm2c's output) is
// rewritten to charge one unit at every function's entry and at every loop's
// head (ngx_http_wasm_tune_c); here the module itself is rewritten, once, when
// it is loaded, to charge the same units to an added global:
//
//   at the start of every function body that has a call or a loop, and of
//   every `loop` body:
//     (global.set $fuel (i64.sub (global.get $fuel) (i64.const 1)))
//     (if (i64.lt_s (global.get $fuel) (i64.const 0)) (then unreachable))
//
// A `loop` body runs on entry and again on each branch back to it, as the C
// label of a loop is reached. A function with neither a call nor a loop (a
// leaf: an accessor, a small helper) runs a stretch of code bounded by its
// size, so its entry is free: every unbounded execution goes through loop
// heads or calls of other functions, which are charged. Functions the host adds (memory-limit.ts's grow
// hook) are added after this rewrite and charge nothing, as `memory.grow`
// charges nothing in nginx. The host sets the global to the limit before it
// calls an export and reads what is left after; a trap with the global below
// zero is "fuel exhausted".

import { appendTo, concat, importCounts, leb, readBodies, readSections, reassemble, vectorOf } from "./wasm-rewrite.js";

/** The added global: fuel left to the running invocation (i64). */
export const FUEL_EXPORT = "ngxwasm.fuel";

/** What the global holds when no limit applies (instantiation, or no limit). */
export const UNLIMITED_FUEL = 0x7fffffffffffffffn;

export interface FueledModule {
  bytes: Uint8Array;
  /** false when a body holds an instruction the reader does not know: no fuel is counted */
  counted: boolean;
}

/** The trap message of an invocation that ran out, as nginx logs it. */
export function fuelExhaustedMessage(limit: number): string {
  return `fuel exhausted: the invocation used more than its wasm_fuel_limit of ${limit} units (one per loop iteration and per call of a function that calls or loops)`;
}

/** `bytes` with every function entry and loop head charging one unit of fuel. */
export function addFuel(bytes: Uint8Array): FueledModule {
  const sections = readSections(bytes);
  const byId = (id: number) => sections.find((s) => s.id === id);
  const code = byId(10);
  if (!code) return { bytes, counted: true };

  const loops: number[] = []; // where each loop's body starts (after its block type)
  const calls: number[] = []; // where each call instruction is
  const bodies = readBodies(bytes, code, (op, at, end) => {
    if (op === 0x03) loops.push(end);
    else if (op >= 0x10 && op <= 0x13) calls.push(at); // call, call_indirect, return_call(_indirect)
  });
  if (!bodies) return { bytes, counted: false };

  const fuel = importCounts(bytes, byId(2)).globals + vectorOf(bytes, byId(6)).count;
  const g = leb(fuel);
  const charge = [0x23, ...g, 0x42, 0x01, 0x7d, 0x24, ...g, 0x23, ...g, 0x42, 0x00, 0x53, 0x04, 0x40, 0x00, 0x0b];

  const replaced = new Map<number, Uint8Array>();
  // (global (mut i64) (i64.const max)), exported for the host to set and read
  replaced.set(6, appendTo(bytes, byId(6), [[0x7e, 0x01, 0x42, ...sleb64(UNLIMITED_FUEL), 0x0b]]));
  const name = new TextEncoder().encode(FUEL_EXPORT);
  replaced.set(7, appendTo(bytes, byId(7), [concat([leb(name.length), name, [0x03], leb(fuel)])]));

  let next = 0; // the next loop in `loops` (both in byte order)
  let call = 0; // the next call in `calls`
  const rewritten = bodies.map(({ start, end, code: first }) => {
    while (call < calls.length && calls[call]! < start) call++;
    const hasCall = call < calls.length && calls[call]! < end;
    const hasLoop = next < loops.length && loops[next]! < end;
    // a function that neither calls nor loops runs a bounded stretch of code: its entry is free
    const parts: (Uint8Array | number[])[] = [bytes.subarray(start, first), hasCall || hasLoop ? charge : []];
    let from = first;
    while (next < loops.length && loops[next]! < end) {
      const at = loops[next++]!;
      parts.push(bytes.subarray(from, at), charge);
      from = at;
    }
    parts.push(bytes.subarray(from, end));
    const body = concat(parts);
    return concat([leb(body.length), body]);
  });
  replaced.set(10, concat([leb(bodies.length), ...rewritten]));
  return { bytes: reassemble(bytes, sections, replaced), counted: true };
}

/** A signed LEB128 i64 (for the global's initial value). */
function sleb64(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
