// test/guests/sdk-json in the in-process host: parse/stringify round trips
// agree with JavaScript's JSON, exact i64, unicode escapes, numbers, the
// depth limit, every malformed input with its message, the typed mapping
// (test/sdk/json-cases.ts, which test/sdk/json-nginx.test.ts holds nginx to).
// Malformed input is a 400 with the SDK's error, never a trap.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGuests } from "../../cli/build.js";
import { projectRoot } from "../../host-abi/generate.js";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { JSON_CASES, MALFORMED, WELL_FORMED, jsRoundTrip } from "./json-cases.js";

describe("sdk json (in-process host)", () => {
  const host = new Host();
  let guest: Guest;

  beforeAll(async () => {
    guest = await host.load(await buildGuest("test/guests/sdk-json"));
  });

  const run = (args: string, body: string | Buffer) =>
    host.run(guest, { phase: "content", request: { method: "POST", uri: "/json", args, body } });

  it.each(JSON_CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const r = await run(c.args, c.body);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.status).toBe(c.status);
    expect(r.body).toBe(c.expect);
  });

  it("the cases cover each malformed kind and stay well-formed for JavaScript where they should", () => {
    // the oracle itself: every well-formed case is JSON to JavaScript, every malformed one is not
    for (const text of Object.values(WELL_FORMED)) expect(() => jsRoundTrip(text)).not.toThrow();
    for (const [name, [body]] of Object.entries(MALFORMED)) {
      if (name.startsWith("nesting") || name.startsWith("deep nesting") || name.includes("surrogate")) continue; // JavaScript accepts deep nesting and lone surrogates
      // byte cases are not UTF-8 at all; text cases are not JSON
      if (Buffer.isBuffer(body)) expect(() => new TextDecoder("utf-8", { fatal: true }).decode(body), name).toThrow();
      else expect(() => JSON.parse(body), name).toThrow();
    }
  });

  it("a parsed document answers application/json", async () => {
    const r = await run("op=roundtrip", '{"a":1}');
    expect(r.headers["content-type"]).toBe("application/json");
  });

  it("random documents round-trip as JavaScript's JSON does", async () => {
    // a deterministic generator: objects, arrays, strings with escapes and non-ASCII, numbers of every shape
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const chars = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\u0001", "é", "中", "😀", "\u2028"];
    const value = (depth: number): unknown => {
      switch (rnd(depth > 3 ? 4 : 6)) {
        case 0: return rnd(2) === 0 ? null : rnd(2) === 0;
        case 1: return [rnd(1000) - 500, (rnd(2_000_000) - 1_000_000) / 1024, rnd(1000) * 1e-9, rnd(1000) * 1e200, -0][rnd(5)];
        case 2: return 2 ** 31 * rnd(2 ** 21) + rnd(2 ** 31);
        case 3: return Array.from({ length: rnd(12) }, () => chars[rnd(chars.length)]).join("");
        case 4: return Array.from({ length: rnd(5) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: rnd(5) }, () => [Array.from({ length: rnd(6) }, () => chars[rnd(chars.length)]).join(""), value(depth + 1)]));
      }
    };
    for (let i = 0; i < 200; i++) {
      const text = JSON.stringify(value(0), null, rnd(2) === 0 ? undefined : 1);
      const r = await run("op=roundtrip", text);
      expect(r.status, text).toBe(200);
      expect(r.body, text).toBe(jsRoundTrip(text));
    }
  });
});

// Body filters get the incremental runtime (a collector): every reference
// the parser and the tree hold must be one the collector sees. The same guest
// built with it answers every case the same, the roundtrip-gc cases after a
// full collection between parsing and stringifying.
describe("sdk json on the incremental runtime (garbage collected)", () => {
  const host = new Host();
  let guest: Guest;

  beforeAll(async () => {
    const [built] = await buildGuests([join(projectRoot(), "test/guests/sdk-json")], {
      outDir: join(projectRoot(), "build", "test-guests", "incremental"),
      runtime: "incremental",
    });
    if (!built?.ok) throw new Error(`building sdk-json with the incremental runtime failed:\n${built?.errors.join("\n")}`);
    expect(built.runtime).toBe("incremental");
    guest = await host.load(built.wasmPath);
  });

  it.each(JSON_CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const r = await host.run(guest, { phase: "content", request: { method: "POST", uri: "/json", args: c.args, body: c.body } });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(c.status);
    expect(r.body).toBe(c.expect);
  });
});

describe("sdk json typed mapping: build errors", () => {
  it("a class without readJson/writeJson fails to build with a message saying what to add", async () => {
    const [built] = await buildGuests([join(projectRoot(), "test/fixtures/guests/json-untyped")], {
      outDir: join(projectRoot(), "build", "test-guests", "fixtures"),
    });
    expect(built?.ok).toBe(false);
    const errors = built!.errors.join("\n");
    expect(errors).toContain("Json.decode<T>: T has no readJson(r: JsonReader): void method");
    expect(errors).toContain("JsonWriter.write<T>: T has no writeJson(w: JsonWriter): void method");
    expect(errors).toContain("json-untyped/index/Plain");   // the class, named by the compiler
  });
});
