// test/guests/sdk-math in nginx: a guest that calls every Math/Mathf
// function, the f32/f64 rounding, sqrt, min/max, copysign and abs
// instructions and every int <-> float conversion loads (`nginx -t` passes:
// wasm2c's output calls the C math library, nearbyint and sqrt at least,
// and the compiled guest is linked against it) and answers exactly what the
// in-process host answers (test/sdk/math.test.ts): one shared constant.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { buildGuest } from "../support/guests.js";
import { MATH_LINES } from "./math-expected.js";
import { lines } from "./lines.js";

const execFileP = promisify(execFile);

// the libm functions wasm2c 1.0.32's output can call
const LIBM = new Set(
  ["nearbyint", "floor", "ceil", "trunc", "sqrt", "fabs", "copysign"].flatMap((f) => [f, f + "f"]),
);

describe("SDK math guest in nginx", () => {
  let ngx: Nginx;
  let check: { ok: boolean; output: string };

  beforeAll(async () => {
    ngx = await Nginx.create("sdk-math");
    const math = ngx.addGuest("sdk-math", await buildGuest("test/guests/sdk-math"));
    ngx.configure(`
    server {
        listen ${ngx.listen()};
        location = /math { content_by_wasm ${math} on_content; }
    }`);
    check = await ngx.test();
    if (check.ok) await ngx.start();
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("nginx -t loads the guest", () => {
    expect(check.output).toMatch(/test is successful/);
    expect(check.ok).toBe(true);
  });

  it("answers what the in-process host answers, value for value", async () => {
    const res = await ngx.get("/math");
    expect(res.status).toBe(200);
    expect(lines(res.text)).toEqual(MATH_LINES);
  });

  it("the compiled guest calls the C math library and is linked against it", async () => {
    // the object nginx loaded: `wasm: compiled|using cached "<file>" … (<so>)`
    const loaded = [...ngx.errorLog().matchAll(/wasm: (?:compiled|using cached) "[^"]*sdk-math\.wasm".*\((\/[^)]*\.so)\)/g)];
    expect(loaded.length).toBeGreaterThan(0);
    const so = loaded[loaded.length - 1]![1]!;
    const { stdout: symbols } = await execFileP("nm", ["-D", "--undefined-only", so]);
    const needs = symbols.split("\n").map((l) => l.trim().split(/\s+/).pop()!.replace(/@.*/, ""));
    // Which libm calls stay calls depends on cc and the target: on x86-64
    // (no SSE4.1 by default) nearbyint has no instruction and sqrt keeps a
    // call for negative arguments (errno).
    if (process.arch === "x64") expect(needs).toEqual(expect.arrayContaining(["nearbyint", "nearbyintf", "sqrt", "sqrtf"]));
    if (needs.some((s) => LIBM.has(s))) {
      const { stdout: dynamic } = await execFileP("readelf", ["-d", so]);
      expect(dynamic).toMatch(/\(NEEDED\).*\[libm\.so/);
    }
  });
});
