// The guest memory cap, enforced the way nginx enforces it: a `memory.grow`
// past the cap fails (returns -1, as the wasm2c runtime's grow does) instead of
// the memory growing and the host noticing later. V8 gives the host no hook
// into `memory.grow`, so the module is rewritten once, when it is loaded:
//
// - the memory's declared maximum is lowered to the cap, so V8 itself refuses
//   a grow past it;
// - every `memory.grow` instruction becomes a call to one added function that
//   grows and records in an added exported global whether that grow was
//   refused. A trap right after a refused grow (AssemblyScript's allocators
//   trap with `unreachable` when memory cannot grow) is then reported as
//   "memory limit (N MiB) reached", nginx's words, instead of a bare
//   `unreachable`.
//
// Only the code section's bodies change length; function, global and type
// indices of the original module are kept (the additions come last), and
// branches are relative, so nothing else needs rewriting.

import { Reader, UnknownInstruction } from "./wasm-module.js";
import { appendTo, concat, importCounts, leb, readBodies, readSections, reassemble, vectorOf, type Section } from "./wasm-rewrite.js";

/** The added global: 1 when the guest's most recent `memory.grow` was refused, else 0. */
export const GROW_REFUSED_EXPORT = "ngxwasm.memory_grow_refused";

export const WASM_PAGE = 65536;

const I32 = 0x7f;

export interface LimitedModule {
  /** the module with its memory maximum at most `maxPages` (and `memory.grow` instrumented) */
  bytes: Uint8Array;
  /** whether the module exports GROW_REFUSED_EXPORT (false when it has no `memory.grow`) */
  tracksRefusedGrow: boolean;
}

/** "memory limit (16 MiB) reached": the message nginx logs for a guest that trapped after a refused grow. */
export function memoryLimitMessage(maxPages: number): string {
  const kib = (maxPages * WASM_PAGE) / 1024;
  return `memory limit (${kib % 1024 === 0 ? `${kib / 1024} MiB` : `${kib} KiB`}) reached`;
}

/**
 * Positions of the `memory.grow` instructions of each function body, or
 * undefined when a body holds an instruction the reader does not know.
 */
function findGrows(bytes: Uint8Array, code: Section): { start: number; end: number; grows: { at: number; end: number }[] }[] | undefined {
  const grows: { at: number; end: number }[] = [];
  const bodies = readBodies(bytes, code, (op, at, end, r) => {
    if (op !== 0x40) return;
    r.pos = at + 1; // its memory index again
    if (r.u32() !== 0) throw new UnknownInstruction("memory.grow of another memory");
    r.pos = end;
    grows.push({ at, end });
  });
  return bodies?.map((b) => ({ start: b.start, end: b.end, grows: grows.filter((g) => g.at >= b.start && g.at < b.end) }));
}

/**
 * Cap the module's memory at `maxPages` and instrument its `memory.grow`s.
 * Expects a module the validator accepted (one memory, defined by the module).
 */
export function limitMemory(bytes: Uint8Array, maxPages: number): LimitedModule {
  const sections = readSections(bytes);
  const byId = (id: number) => sections.find((s) => s.id === id);

  const replaced = new Map<number, Uint8Array>(); // section id → new content

  const memory = byId(5);
  if (memory) {
    const r = new Reader(bytes);
    r.pos = memory.start;
    const count = r.u32();
    if (count > 0) {
      const limits = r.limits();
      const max = Math.min(limits.max ?? maxPages, maxPages);
      replaced.set(5, concat([leb(count), [0x01], leb(limits.min), leb(max), bytes.subarray(r.pos, memory.end)]));
    }
  }

  const code = byId(10);
  const bodies = code && findGrows(bytes, code);
  const tracksRefusedGrow = bodies !== undefined && bodies.some((b) => b.grows.length > 0);
  if (code && bodies && tracksRefusedGrow) {
    const counts = importCounts(bytes, byId(2));
    const hookFunction = counts.functions + vectorOf(bytes, byId(3)).count;
    const refusedGlobal = counts.globals + vectorOf(bytes, byId(6)).count;

    // (type (func (param i32) (result i32))): reuse one if the module has it.
    const types = byId(1);
    let hookType = findType(bytes, types, [I32], [I32]);
    if (hookType === undefined) {
      hookType = vectorOf(bytes, types).count;
      replaced.set(1, appendTo(bytes, types, [[0x60, 0x01, I32, 0x01, I32]]));
    }
    replaced.set(3, appendTo(bytes, byId(3), [leb(hookType)]));
    // (global (mut i32) (i32.const 0)), exported for the host to read
    replaced.set(6, appendTo(bytes, byId(6), [[I32, 0x01, 0x41, 0x00, 0x0b]]));
    const name = new TextEncoder().encode(GROW_REFUSED_EXPORT);
    replaced.set(7, appendTo(bytes, byId(7), [concat([leb(name.length), name, [0x03], leb(refusedGlobal)])]));

    // Each body with its memory.grows turned into `call $hook`, then the hook:
    //   (func $hook (param $pages i32) (result i32) (local $old i32)
    //     (global.set $refused (i32.eq (local.tee $old (memory.grow (local.get $pages))) (i32.const -1)))
    //     (local.get $old))
    const call = [0x10, ...leb(hookFunction)];
    const rewritten = bodies.map(({ start, end, grows }) => {
      if (grows.length === 0) return concat([leb(end - start), bytes.subarray(start, end)]);
      const parts: (Uint8Array | number[])[] = [];
      let from = start;
      for (const g of grows) {
        parts.push(bytes.subarray(from, g.at), call);
        from = g.end;
      }
      parts.push(bytes.subarray(from, end));
      const body = concat(parts);
      return concat([leb(body.length), body]);
    });
    const hook = [0x01, 0x01, I32, 0x20, 0x00, 0x40, 0x00, 0x22, 0x01, 0x41, 0x7f, 0x46, 0x24, ...leb(refusedGlobal), 0x20, 0x01, 0x0b];
    replaced.set(10, concat([leb(bodies.length + 1), ...rewritten, leb(hook.length), hook]));
  }

  return { bytes: reassemble(bytes, sections, replaced), tracksRefusedGrow };
}

/** Index of the function type `(params) -> (results)` in the type section, if present. */
function findType(bytes: Uint8Array, s: Section | undefined, params: number[], results: number[]): number | undefined {
  if (!s) return undefined;
  const r = new Reader(bytes);
  r.pos = s.start;
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  for (let n = r.u32(), i = 0; i < n; i++) {
    r.byte(); // 0x60
    const p = Array.from({ length: r.u32() }, () => r.byte());
    const q = Array.from({ length: r.u32() }, () => r.byte());
    if (same(p, params) && same(q, results)) return i;
  }
  return undefined;
}
