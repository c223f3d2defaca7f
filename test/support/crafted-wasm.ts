// Hand-assembled WebAssembly binaries whose structure lies: section sizes
// that do not match their contents, lengths and counts past the end of their
// section, truncated or overlong LEB128 integers, sections out of order.
// The nginx module's reader (nginx/module/ngx_http_wasm_validate.c) must
// refuse each with one line, never read past what it was given. Used by
// test/e2e/crafted-modules.test.ts (nginx -t, reload) and test/e2e/fuzz.test.ts
// (as extra fuzzer seeds); nginx/module/fuzz/corpus/crafted-* are these bytes.
//
// Every case is the same small valid guest (`baseModule()`: imports
// env.ngx_wasm_resp_write, exports memory and on_content, has code, data and
// a custom section) with one thing changed.

/** Unsigned LEB128 of a 32-bit value (minimal encoding). */
export function leb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** A wasm name: LEB128 length, then the UTF-8 bytes (or raw bytes). */
export function name(s: string | number[]): number[] {
  const bytes = typeof s === "string" ? [...Buffer.from(s, "utf8")] : s;
  return [...leb(bytes.length), ...bytes];
}

export interface Section {
  id: number;
  body: number[];
  /** The size written in the section header; the body's length when absent. */
  size?: number;
}

export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  memory: 5,
  export: 7,
  code: 10,
  data: 11,
} as const;

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Header, then each section as id, LEB128 size (or the lie), body; then `tail`. */
export function encode(sections: Section[], tail: number[] = []): Uint8Array {
  const bytes = [...HEADER];
  for (const s of sections) bytes.push(s.id, ...leb(s.size ?? s.body.length), ...s.body);
  bytes.push(...tail);
  return Uint8Array.from(bytes);
}

const I32 = 0x7f;
const BODY = [0, 0x41, 0x80, 0x08, 0x41, 3, 0x10, 0, 0x1a, 0x41, 0, 0x0b];

/** The sections of a small valid guest. */
export function baseSections(): Section[] {
  return [
    // (i32, i32) -> i32 for resp_write, () -> i32 for the handler
    { id: SECTION.type, body: [2, 0x60, 2, I32, I32, 1, I32, 0x60, 0, 1, I32] },
    { id: SECTION.import, body: [1, ...name("env"), ...name("ngx_wasm_resp_write"), 0x00, 0] },
    { id: SECTION.function, body: [1, 1] },
    { id: SECTION.memory, body: [1, 0x00, 1] },
    { id: SECTION.export, body: [2, ...name("memory"), 0x02, 0, ...name("on_content"), 0x00, 1] },
    // one body: no locals; drop(resp_write(1024, 3)); return 0
    { id: SECTION.code, body: [1, ...leb(BODY.length), ...BODY] },
    { id: SECTION.data, body: [1, 0x00, 0x41, 0x80, 0x08, 0x0b, ...name("ok\n")] },
    { id: SECTION.custom, body: [...name("ngxwasm"), ...Buffer.from("seed")] },
  ];
}

export function baseModule(): Uint8Array {
  return encode(baseSections());
}

export interface CraftedModule {
  /** File-name friendly: crafted-<name>.wasm. */
  name: string;
  what: string;
  bytes: Uint8Array;
  /** What the one emerg line must say (after `wasm: guest "<path>" `). */
  message: RegExp;
}

/** The base module with the section of `id` replaced by `f(section)` (a section or several). */
function withSection(id: number, f: (s: Section) => Section | Section[]): Section[] {
  return baseSections().flatMap((s) => (s.id === id ? f(s) : [s]));
}

const MALFORMED = /^is not a valid WebAssembly module: /;

function crafted(name: string, what: string, bytes: Uint8Array, message: RegExp): CraftedModule {
  return { name, what, bytes, message };
}

export function craftedModules(): CraftedModule[] {
  const cases: CraftedModule[] = [];
  const add = (name: string, what: string, bytes: Uint8Array, message: RegExp): void => {
    cases.push(crafted(name, what, bytes, message));
  };

  // ---- a section's size lies about its contents, one case per section kind

  add(
    "type-size-short",
    "a type section whose size leaves out its last bytes",
    encode(withSection(SECTION.type, (s) => ({ ...s, size: s.body.length - 2 }))),
    /a type's result (count|list) runs past the end of the section \(at offset \d+, in the type section at offset 8, of 9 bytes\)/,
  );
  add(
    "import-name-long",
    "an import whose module name length runs past its section",
    encode(withSection(SECTION.import, (s) => ({ ...s, body: [1, ...leb(200), ...s.body.slice(2)] }))),
    /an import's module name runs past the end of the section .*in the import section/,
  );
  add(
    "function-size-short",
    "a function section whose size leaves out the type index",
    encode(withSection(SECTION.function, (s) => ({ ...s, size: 1 }))),
    /the function count 1 cannot fit in the 0 bytes left .*in the function section/,
  );
  add(
    "memory-size-long",
    "a memory section whose size takes in the next section's first bytes",
    encode(withSection(SECTION.memory, (s) => ({ ...s, size: s.body.length + 3 }))),
    /the section is longer than its contents \(3 bytes left over\) .*in the memory section/,
  );
  add(
    "memory-size-short",
    "a memory section whose size cuts the initial size's LEB128",
    encode(withSection(SECTION.memory, () => ({ id: SECTION.memory, body: [1, 0x00, 0x80, 0x02], size: 3 }))),
    /a memory's initial size runs past the end of the section .*in the memory section/,
  );
  add(
    "export-name-long",
    "an export whose name length runs past its section",
    encode(withSection(SECTION.export, (s) => ({ ...s, body: [2, ...leb(0x7fff), ...s.body.slice(2)] }))),
    /an export's name runs past the end of the section .*in the export section/,
  );
  add(
    "code-body-long",
    "a function body whose size runs past the code section",
    encode(withSection(SECTION.code, (s) => ({ ...s, body: [1, ...leb(5000), ...s.body.slice(2)] }))),
    /a function body runs past the end of the section .*in the code section/,
  );
  add(
    "code-body-short",
    "a function body whose size cuts its instructions",
    encode(withSection(SECTION.code, (s) => ({ ...s, body: [1, 4, ...s.body.slice(2)] }))),
    /function body 0 does not end with the end instruction .*in the code section/,
  );
  add(
    "data-segment-long",
    "a data segment whose size runs past the data section",
    encode(withSection(SECTION.data, (s) => ({ ...s, body: [...s.body.slice(0, 6), ...leb(0xffffff), ...s.body.slice(7)] }))),
    /a data segment's data runs past the end of the section .*in the data section/,
  );
  add(
    "custom-name-long",
    "a custom section whose name length runs past the section",
    encode(withSection(SECTION.custom, (s) => ({ ...s, body: [...leb(0xffffffff), ...s.body.slice(1)] }))),
    /the custom section's name runs past the end of the section .*in the custom section/,
  );
  add(
    "section-past-eof",
    "a section whose size runs past the end of the file",
    encode(withSection(SECTION.data, (s) => ({ ...s, size: s.body.length + 1000 }))),
    /the data section's size is \d+ bytes, but only \d+ bytes follow \(at offset \d+\)$/,
  );

  // ---- LEB128 integers

  add(
    "leb-truncated-eof",
    "a file that ends inside a section size",
    encode(baseSections(), [SECTION.custom, 0x80]),
    /a section's size runs past the end of the file \(at offset \d+\)$/,
  );
  add(
    "leb-truncated-section",
    "a type count whose LEB128 continues past its section",
    encode(withSection(SECTION.type, () => ({ id: SECTION.type, body: [0x81] }))),
    /the type count runs past the end of the section .*in the type section/,
  );
  add(
    "leb-too-long",
    "an import count encoded in six bytes",
    encode(withSection(SECTION.import, (s) => ({ ...s, body: [0x81, 0x80, 0x80, 0x80, 0x80, 0x00, ...s.body.slice(1)] }))),
    /the import count is an integer of more than 5 bytes .*in the import section/,
  );
  add(
    "leb-over-32-bits",
    "an export count whose fifth LEB128 byte has bits beyond 32",
    encode(withSection(SECTION.export, (s) => ({ ...s, body: [0xff, 0xff, 0xff, 0xff, 0x7f, ...s.body.slice(1)] }))),
    /the export count does not fit in 32 bits .*in the export section/,
  );

  // ---- counts that overflow, or cannot fit in what is left

  add(
    "count-type-max",
    "a type count of 2^32 - 1",
    encode(withSection(SECTION.type, (s) => ({ ...s, body: [...leb(0xffffffff), ...s.body.slice(1)] }))),
    /the type count 4294967295 is more than the 1000000 that WebAssembly engines accept/,
  );
  add(
    "count-import-unfit",
    "an import count the section cannot hold",
    encode(withSection(SECTION.import, (s) => ({ ...s, body: [...leb(90000), ...s.body.slice(1)] }))),
    /the import count 90000 cannot fit in the \d+ bytes left .*in the import section/,
  );
  add(
    "count-params-max",
    "a parameter count of 2^31",
    encode(withSection(SECTION.type, (s) => ({ ...s, body: [2, 0x60, ...leb(0x80000000), ...s.body.slice(3)] }))),
    /a type's parameter count 2147483648 is more than the 1000 that WebAssembly engines accept/,
  );
  add(
    "count-exports-max",
    "an export count of 2^31 - 1",
    encode(withSection(SECTION.export, (s) => ({ ...s, body: [...leb(0x7fffffff), ...s.body.slice(1)] }))),
    /the export count 2147483647 is more than the 100000 that WebAssembly engines accept/,
  );
  add(
    "count-code-mismatch",
    "a code section with more bodies than functions",
    encode(withSection(SECTION.code, (s) => ({ ...s, body: [2, ...s.body.slice(1), 2, 0, 0x0b] }))),
    /the module has 2 function bodies for 1 functions .*in the code section/,
  );

  // ---- structure: order, indices, ids

  add(
    "order-function-before-import",
    "a function section before the import section (the export index then points past the function types)",
    encode(
      (() => {
        const s = baseSections();
        const imp = s.findIndex((x) => x.id === SECTION.import);
        const fn = s.findIndex((x) => x.id === SECTION.function);
        [s[imp], s[fn]] = [s[fn]!, s[imp]!];
        return s;
      })(),
    ),
    /the import section comes after the function section \(sections come in the order of the specification, each at most once\)/,
  );
  add(
    "order-duplicate-import",
    "two import sections",
    encode(withSection(SECTION.import, (s) => [s, s])),
    /the import section comes after the import section/,
  );
  add(
    "export-index-past-functions",
    "an export of a function index the module does not have",
    encode(withSection(SECTION.export, (s) => ({ ...s, body: [...s.body.slice(0, -1), 7] }))),
    /export "on_content" is function 7, but the module has 2 functions/,
  );
  add(
    "type-index-past-types",
    "a function whose type index the type section does not have",
    encode(withSection(SECTION.function, () => ({ id: SECTION.function, body: [1, 9] }))),
    /a function's type index is 9, but the module has 2 types/,
  );
  add(
    "section-id-unknown",
    "a section id the format does not define",
    encode([...baseSections(), { id: 0x20, body: [0] }]),
    /unknown section id 32 \(at offset \d+\)$/,
  );
  add(
    "name-not-utf8",
    "an import name that is not UTF-8",
    encode(withSection(SECTION.import, () => ({ id: SECTION.import, body: [1, ...name("env"), ...name([0x6e, 0xc3, 0x28]), 0x00, 0] }))),
    /an import's name is not valid UTF-8 .*in the import section/,
  );
  add(
    "name-newline",
    "an import name with a newline and quotes, which the message must escape",
    encode(withSection(SECTION.import, () => ({ id: SECTION.import, body: [1, ...name("env"), ...name('evil\n"name"\r'), 0x00, 0] }))),
    /^imports env\.evil\\x0a\\x22name\\x22\\x0d, which is not part of the ngx_wasm ABI v1$/,
  );

  for (const c of cases) {
    if (c.name !== "name-newline" && !c.message.source.startsWith("^")) {
      // every structural case is reported as a malformed module
      c.message = new RegExp(`${MALFORMED.source}.*${c.message.source}`);
    }
  }
  return cases;
}
