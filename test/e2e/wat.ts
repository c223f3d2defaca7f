// Hand-written WebAssembly text fixtures (test/e2e/guests/*.wat), assembled
// by test/support/wat.ts into build/test-guests/wat/<name>.wasm. WAT gives
// exact control over what a guest imports, exports and does, which failure
// fixtures need.
//
// One convenience on top of plain WAT: `(str "text")` expands to the two
// operands `(i32.const PTR) (i32.const LEN)` of a string placed in a data
// segment at PTR (from offset 1024 up), so handlers read like
// `(call $write (str "hello\n"))`.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../host-abi/generate.js";
import { wat } from "../support/wat.js";

const GUESTS_DIR = join(projectRoot(), "test", "e2e", "guests");
const OUT_DIR = join(projectRoot(), "build", "test-guests", "wat");
const STRINGS_BASE = 1024;

/** Byte length of a WAT string literal body (escapes: \n \t \r \" \' \\ \hh). */
function watStringLength(body: string): number {
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\") i += /[0-9a-fA-F]/.test(body[i + 1] ?? "") ? 2 : 1;
    n++;
  }
  return n;
}

/** Expand every `(str "…")` into `(i32.const PTR) (i32.const LEN)` plus a data segment. */
export function expandStrings(wat: string): string {
  let next = STRINGS_BASE;
  const segments: string[] = [];
  const body = wat.replace(/\(str "((?:[^"\\]|\\.)*)"\)/g, (_m, text: string) => {
    if (/[^\x00-\x7f]/.test(text)) throw new Error(`(str …) takes ASCII only: ${text}`);
    const ptr = next;
    const len = watStringLength(text);
    next += len + 1;
    segments.push(`  (data (i32.const ${ptr}) "${text}")`);
    return `(i32.const ${ptr}) (i32.const ${len})`;
  });
  if (next > 8192) throw new Error("(str …) literals overflow the 1024..8192 area");
  const close = body.lastIndexOf(")");
  return `${body.slice(0, close)}\n${segments.join("\n")}\n)${body.slice(close + 1)}`;
}

/** Assemble fixture WAT text (with `(str …)` strings) into wasm bytes. */
export function watToWasm(name: string, text: string): Promise<Uint8Array> {
  return wat(expandStrings(text), `${name}.wat`);
}

const built = new Map<string, Promise<string>>();

/** Build test/e2e/guests/<name>.wat once per process; returns the .wasm path. */
export function watGuest(name: string): Promise<string> {
  let p = built.get(name);
  if (!p) {
    p = (async () => {
      const bytes = await watToWasm(name, readFileSync(join(GUESTS_DIR, `${name}.wat`), "utf8"));
      mkdirSync(OUT_DIR, { recursive: true });
      const out = join(OUT_DIR, `${name}.wasm`);
      // test files run in parallel workers: never let one read a half-written file
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, out);
      return out;
    })();
    built.set(name, p);
  }
  return p;
}
