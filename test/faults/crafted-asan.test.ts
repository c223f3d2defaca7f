// Malformed modules under the AddressSanitizer build of the module: the
// master reads and parses each guest file at configuration time, so a
// reader that strays past its buffer does it at `nginx -t` and at reload.
// The campaign's guest with each of its sections cut short (the section's
// size saying so, so the reader walks into the cut contents; and the file
// itself ending inside the section), and a few broken headers, must each be
// refused by `nginx -t` with one emerg line, and by a running nginx's
// reload without losing its workers, with zero ASan reports. (test/e2e/crafted-modules.test.ts checks the messages
// for structural lies with the normal module; the reader's fuzzer,
// nginx/module/fuzz, runs it under ASan in isolation.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { faultGuest } from "./fault-guest.js";

interface Section {
  id: number;
  /** Offset of the section's id byte. */
  start: number;
  /** Offset of the section's first content byte. */
  body: number;
  size: number;
}

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** The sections of a well-formed module (id, where its contents start, their size). */
function sections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    out.push({ id, start, body: at, size });
    at += size;
  }
  return out;
}

const SECTION_NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data"];

interface Crafted {
  name: string;
  bytes: Uint8Array;
}

/**
 * Malformed, yet accepted: the module's reader leaves the global section to
 * wasm-validate, and wabt 1.0.32 takes a global whose init expression ends
 * with its section instead of with `end` (0x0b). Not a memory-safety matter
 * (wasm2c compiles what wabt read, the guest works); nginx -t may refuse it
 * once the reader checks globals. Either way it must not crash nor report.
 */
const LENIENT = new Set(["global-contents-short"]);

async function craftedCases(): Promise<Crafted[]> {
  const good = await faultGuest();
  const cases: Crafted[] = [
    { name: "empty", bytes: new Uint8Array(0) },
    { name: "magic-only", bytes: good.slice(0, 4) },
    { name: "header-cut", bytes: good.slice(0, 6) },
    { name: "bad-magic", bytes: Uint8Array.from([0x00, 0x61, 0x73, 0x6e, ...good.slice(4)]) },
    { name: "version-2", bytes: Uint8Array.from([...good.slice(0, 4), 2, 0, 0, 0, ...good.slice(8)]) },
    // a section id and nothing after it
    { name: "section-id-only", bytes: Uint8Array.from([...good.slice(0, 8), 1]) },
  ];
  for (const s of sections(good)) {
    const name = SECTION_NAMES[s.id] ?? `section-${s.id}`;
    // the contents cut (in the middle, one byte short of their end) with a
    // size that matches, the sections after it intact: the reader parses
    // entries that stop early
    const shorter = (keep: number): Uint8Array =>
      Uint8Array.from([...good.slice(0, s.start), s.id, ...leb(keep), ...good.slice(s.body, s.body + keep), ...good.slice(s.body + s.size)]);
    cases.push({ name: `${name}-contents-half`, bytes: shorter(Math.floor(s.size / 2)) });
    if (s.size > 1) cases.push({ name: `${name}-contents-short`, bytes: shorter(s.size - 1) });
    // the file ends in the middle of the section
    cases.push({ name: `${name}-file-cut`, bytes: good.slice(0, s.body + Math.floor(s.size / 2)) });
  }
  return cases;
}

describe("malformed modules at nginx -t and reload, ASan module", () => {
  let ngx: Nginx;
  let cases: Crafted[];

  beforeAll(async () => {
    ngx = await Nginx.create("crafted-asan", { asan: true });
    ngx.addFile("wasm/faults.wasm", await faultGuest());
    cases = await craftedCases();
    for (const c of cases) ngx.addFile(`wasm/crafted-${c.name}.wasm`, c.bytes);
  }, 300_000);

  afterAll(async () => {
    await ngx?.stop();
  });

  const server = (path: string): string => `
    server {
        listen ${ngx.listen()};
        location = /ok { content_by_wasm wasm/faults.wasm ok; }
        location = /crafted { content_by_wasm ${path} ok; }
    }`;

  it("nginx -t refuses every one with one emerg line naming the file", async () => {
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      ngx.configure(server(`wasm/crafted-${c.name}.wasm`));
      const r = await ngx.test();
      expect(ngx.asanReports(), c.name).toEqual([]);
      if (LENIENT.has(c.name) && r.ok) continue;
      expect(r.ok, `${c.name}: ${r.output}`).toBe(false);
      const emerg = r.output.split("\n").filter((l) => l.includes("[emerg]"));
      expect(emerg, c.name).toHaveLength(1);
      expect(emerg[0], c.name).toContain(`wasm: guest "${ngx.prefix}/wasm/crafted-${c.name}.wasm"`);
    }
  }, 300_000);

  it("a reload with one keeps the old workers serving; a good reload after them works", async () => {
    await ngx.start(server("wasm/faults.wasm"));
    const workers = ngx.workerPids();
    for (const c of cases) {
      const r = await ngx.reload(server(`wasm/crafted-${c.name}.wasm`));
      if (LENIENT.has(c.name) && r.ok) {
        // accepted: new workers, and the guest serves
        expect((await ngx.get("/crafted")).text, c.name).toBe("ok\n");
        workers.splice(0, workers.length, ...ngx.workerPids());
        continue;
      }
      expect(r.ok, c.name).toBe(false);
      expect(r.output, c.name).toContain(`wasm: guest "${ngx.prefix}/wasm/crafted-${c.name}.wasm"`);
      expect(ngx.workerPids(), c.name).toEqual(workers);
      expect((await ngx.get("/ok")).text, c.name).toBe("ok\n");
    }
    const good = await ngx.reload(server("wasm/faults.wasm"));
    expect(good.ok).toBe(true);
    expect((await ngx.get("/ok")).text).toBe("ok\n");
    await ngx.stop();
    expect(ngx.errorLog()).not.toMatch(/exited on signal|exited with code [1-9]/);
    expect(ngx.asanReports()).toEqual([]);
  }, 300_000);
});
