// Rewriting a WebAssembly module's bytes, for the instrumentation this host
// compiles into a guest when it loads it (memory-limit.ts, fuel.ts): sections,
// LEB128, vectors with items appended, and putting the module back together.
// Additions always come last (functions, globals, exports), so the indices of
// the original module stay valid and nothing else needs renumbering.

import { Reader, skipImmediates, UnknownInstruction } from "./wasm-module.js";

export interface Section {
  id: number;
  /** where the section (its id byte) starts */
  header: number;
  /** where its content starts and ends */
  start: number;
  end: number;
}

/** Where a missing section may go: the binary format's order of the known sections. */
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)))));
}

/** The module's sections, in order. */
export function readSections(bytes: Uint8Array): Section[] {
  const sections: Section[] = [];
  const r = new Reader(bytes);
  r.pos = 8; // magic + version
  while (!r.done) {
    const header = r.pos;
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, header, start: r.pos, end: r.pos + size });
    r.skip(size);
  }
  return sections;
}

/** A vector section's item count and where its items start. */
export function vectorOf(bytes: Uint8Array, s: Section | undefined): { count: number; items: Uint8Array } {
  if (!s) return { count: 0, items: new Uint8Array() };
  const r = new Reader(bytes);
  r.pos = s.start;
  const count = r.u32();
  return { count, items: bytes.subarray(r.pos, s.end) };
}

/** A vector section with `extra` items (one array each) appended. */
export function appendTo(bytes: Uint8Array, s: Section | undefined, extra: (Uint8Array | number[])[]): Uint8Array {
  const { count, items } = vectorOf(bytes, s);
  return concat([leb(count + extra.length), items, ...extra]);
}

/** The kind byte of each import, in order. */
export function forEachImportKind(bytes: Uint8Array, s: Section, visit: (kind: number) => void): void {
  const r = new Reader(bytes);
  r.pos = s.start;
  for (let n = r.u32(); n > 0; n--) {
    r.name();
    r.name();
    const kind = r.byte();
    visit(kind);
    if (kind === 0) r.u32();
    else if (kind === 1) r.byte(), r.limits();
    else if (kind === 2) r.limits();
    else if (kind === 3) r.byte(), r.byte();
    else r.byte(), r.u32();
  }
}

/** How many functions and globals the module imports. */
export function importCounts(bytes: Uint8Array, imports: Section | undefined): { functions: number; globals: number } {
  const counts = { functions: 0, globals: 0 };
  if (imports) {
    forEachImportKind(bytes, imports, (kind) => {
      if (kind === 0) counts.functions++;
      else if (kind === 3) counts.globals++;
    });
  }
  return counts;
}

/**
 * The module with the sections in `replaced` (id → new content) in place of
 * its own; a section it lacks goes before the first section that must follow it.
 */
export function reassemble(bytes: Uint8Array, sections: Section[], replaced: Map<number, Uint8Array>): Uint8Array {
  const rank = (id: number) => SECTION_ORDER.indexOf(id);
  const missing = [...replaced.keys()].filter((id) => !sections.some((s) => s.id === id)).sort((a, b) => rank(a) - rank(b));
  const out: (Uint8Array | number[])[] = [bytes.subarray(0, 8)];
  const emit = (id: number, content: Uint8Array) => out.push([id, ...leb(content.length)], content);
  for (const s of sections) {
    while (s.id !== 0 && missing.length && rank(missing[0]!) < rank(s.id)) {
      const id = missing.shift()!;
      emit(id, replaced.get(id)!);
    }
    const content = replaced.get(s.id);
    if (content) emit(s.id, content);
    else out.push(bytes.subarray(s.header, s.end));
  }
  for (const id of missing) emit(id, replaced.get(id)!);
  return concat(out);
}

/** A function body: where it starts and ends, and where its instructions start (after the locals). */
export interface Body {
  start: number;
  end: number;
  code: number;
}

/**
 * Each function body of the code section, calling `visit` with every
 * instruction's opcode, where it starts and where its immediates end; or
 * undefined when a body holds an instruction the reader does not know
 * (the caller leaves the module as it is).
 */
export function readBodies(
  bytes: Uint8Array,
  code: Section,
  visit: (op: number, at: number, end: number, r: Reader) => void,
): Body[] | undefined {
  const r = new Reader(bytes);
  r.pos = code.start;
  const bodies: Body[] = [];
  try {
    for (let n = r.u32(); n > 0; n--) {
      const size = r.u32();
      const start = r.pos;
      const end = start + size;
      for (let groups = r.u32(); groups > 0; groups--) {
        r.u32();
        r.byte(); // local count, value type
      }
      const codeStart = r.pos;
      while (r.pos < end) {
        const at = r.pos;
        const op = r.byte();
        if (op === 0x10 || op === 0x12 || op === 0xd2) r.u32(); // call, return_call, ref.func
        else if (op === 0x11 || op === 0x13) r.u32(), r.u32(); // call_indirect, return_call_indirect
        else if (op === 0x40) r.u32(); // memory.grow's memory index
        else skipImmediates(r, op);
        visit(op, at, r.pos, r);
      }
      bodies.push({ start, end, code: codeStart });
      r.pos = end;
    }
  } catch (e) {
    if (e instanceof UnknownInstruction) return undefined;
    throw e;
  }
  return bodies;
}
