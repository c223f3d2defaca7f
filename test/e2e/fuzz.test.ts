// The nginx module's configuration-time wasm reader (ngx_http_wasm_validate.c)
// under libFuzzer with ASan + UBSan (nginx/module/fuzz/), briefly: every
// read must stay in bounds whatever the bytes, and every refusal be one
// line. `make fuzz` runs the same for FUZZ_SECONDS (default 600).
// FUZZ_TEST_SECONDS sets this run's length (default 30).
//
// The committed seeds nginx/module/fuzz/corpus/crafted-* are the modules of
// test/support/crafted-wasm.ts; after changing those, rewrite the seeds with
//   UPDATE_FUZZ_CORPUS=1 npx vitest run test/e2e/fuzz.test.ts
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { baseModule, craftedModules } from "../support/crafted-wasm.js";
import { ensureModule } from "../support/nginx.js";

const execFileP = promisify(execFile);
const ROOT = projectRoot();
const CORPUS = join(ROOT, "nginx", "module", "fuzz", "corpus");
const SECONDS = Number(process.env.FUZZ_TEST_SECONDS ?? 30);

function seeds(): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>([["crafted-base", baseModule()]]);
  for (const c of craftedModules()) m.set(`crafted-${c.name}`, c.bytes);
  return m;
}

describe("fuzzing the module's wasm reader", () => {
  it("the committed corpus holds the crafted modules of test/support/crafted-wasm.ts", () => {
    for (const [name, bytes] of seeds()) {
      const file = join(CORPUS, name);
      if (process.env.UPDATE_FUZZ_CORPUS) writeFileSync(file, bytes);
      expect(existsSync(file), `${file} is missing (UPDATE_FUZZ_CORPUS=1 writes it)`).toBe(true);
      expect(Buffer.compare(readFileSync(file), Buffer.from(bytes)), `${file} is stale (UPDATE_FUZZ_CORPUS=1 rewrites it)`).toBe(0);
    }
  });

  it(`libFuzzer finds nothing in ${SECONDS} s`, async () => {
    await ensureModule(); // configures build/nginx-src, whose headers the target needs
    await execFileP("bash", ["nginx/module/fuzz/build.sh", "build/fuzz"], { cwd: ROOT, maxBuffer: 16 << 20 });

    // a fresh working corpus, so that the run does not depend on earlier ones
    const work = join(ROOT, "build", "fuzz", "test-corpus");
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });

    const { code, signal, output } = await new Promise<{ code: number | null; signal: string | null; output: string }>(
      (resolve, reject) => {
        const child = spawn("bash", ["nginx/module/fuzz/run.sh", String(SECONDS), work], {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, output }));
      },
    );

    // on a finding, the report: sanitizer error, stack, the input's path
    const report = output
      .split("\n")
      .filter((l) => !/^#\d+\s+(NEW|REDUCE|pulse|RELOAD)/.test(l))
      .slice(-80)
      .join("\n");
    expect(signal, report).toBeNull();
    expect(code, report).toBe(0);
    expect(output).toMatch(/Done \d+ runs in \d+ second/);
    const runs = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(output)?.[1] ?? 0);
    expect(runs).toBeGreaterThan(1000);
  }, (SECONDS + 240) * 1000);
});
