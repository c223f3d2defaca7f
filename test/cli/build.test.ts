// `ngxwasm build` with the real compiler: a guest built from the SDK imports
// only ngx_wasm_* functions and validates for its phase; a compile error exits
// 1 with the compiler's message naming the file and line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureCliBuilt, FIXTURES, runCli, tempDir, type CliResult } from "./cli.js";

// Node's WebAssembly (the project's TS lib declares no types for it): an independent reader of imports/exports.
interface Descriptor { module?: string; name: string; kind: string }
const NodeWasm = (globalThis as unknown as {
  WebAssembly: { Module: { new (bytes: Uint8Array): object; imports(m: object): Descriptor[]; exports(m: object): Descriptor[] } };
}).WebAssembly;

const OK_GUEST = join(FIXTURES, "guests", "ok");
const BAD_GUEST = join(FIXTURES, "guests", "compile-error");

let outDir: string;
let built: CliResult;

beforeAll(async () => {
  await ensureCliBuilt();
  outDir = join(tempDir(), "out");
  built = await runCli(["build", "test/fixtures/guests/ok", "--out-dir", outDir, "--wat"]);
});

describe("ngxwasm build", () => {
  it("builds a guest and says where it went, with its size and runtime", () => {
    expect(built.stderr).toBe("");
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^built test\/fixtures\/guests\/ok → .*\/out\/ok\.wasm \(\d+(\.\d)? KB, stub runtime: no body-filter import\)$/m);
    expect(existsSync(join(outDir, "ok.wat"))).toBe(true);
  });

  it("the built guest imports only env.ngx_wasm_* functions and exports memory and on_content", () => {
    const module = new NodeWasm.Module(new Uint8Array(readFileSync(join(outDir, "ok.wasm"))));
    const imports = NodeWasm.Module.imports(module);
    expect(imports.length).toBeGreaterThan(0);
    for (const i of imports) {
      expect(i.module).toBe("env");
      expect(i.name).toMatch(/^ngx_wasm_/);
      expect(i.kind).toBe("function");
    }
    const exports = NodeWasm.Module.exports(module).map((e) => `${e.name}:${e.kind}`);
    expect(exports).toEqual(expect.arrayContaining(["memory:memory", "on_content:function"]));
  });

  it("validate --export on_content --phase content accepts it", async () => {
    const r = await runCli(["validate", join(outDir, "ok.wasm"), "--export", "on_content", "--phase", "content"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\.wasm: ok/);
  });

  it("a compile error → exit 1 with the compiler's message naming the file and line", async () => {
    const r = await runCli(["build", BAD_GUEST, "--out-dir", join(tempDir(), "bad")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^failed test\/fixtures\/guests\/compile-error:$/m);
    expect(r.stderr).toMatch(/ERROR TS2322: Type '~lib\/string\/String' is not assignable to type 'i32'/);
    expect(r.stderr).toMatch(/in test\/fixtures\/guests\/compile-error\/index\.ts\(6,25\)/);
    expect(r.stderr).toMatch(/1 of 1 guest failed/);
    expect(existsSync(join(tempDir(), "bad", "compile-error.wasm"))).toBe(false);
  });

  it("without an entry builds the current directory's index.ts", async () => {
    const out = join(tempDir(), "cwd-out");
    const r = await runCli(["build", "--out-dir", out, "--no-validate"], { cwd: OK_GUEST });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^built \. → .*cwd-out\/ok\.wasm/m);
    expect(existsSync(join(out, "ok.wasm"))).toBe(true);
  });

  it("without an entry in a directory with no index.ts → usage error (exit 2)", async () => {
    const r = await runCli(["build"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no guest given and there is no index\.ts here/);
  });

  it("a guest that does not exist → exit 1 naming it", async () => {
    const r = await runCli(["build", "test/fixtures/guests/absent", "--out-dir", join(tempDir(), "absent")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/test\/fixtures\/guests\/absent: no such guest/);
  });

  it("a guest that can call a body-filter function gets the incremental runtime; --runtime overrides the choice", async () => {
    const out = join(tempDir(), "runtimes");
    const auto = await runCli(["build", "guests/uppercase", "--out-dir", out]);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toMatch(
      /^built guests\/uppercase → .*uppercase\.wasm \(\d+(\.\d)? KB, incremental runtime: imports ngx_wasm_resp_get_body_chunk, ngx_wasm_resp_set_body_chunk, ngx_wasm_resp_get_body_chunk_eof\)$/m,
    );
    const stub = await runCli(["build", "guests/uppercase", "--out-dir", out, "--runtime", "stub"]);
    expect(stub.stdout).toMatch(/\(\d+(\.\d)? KB, stub runtime: asked for\)$/m);
    const bad = await runCli(["build", "guests/uppercase", "--out-dir", out, "--runtime", "minimal"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown runtime "minimal" \(one of auto, stub, incremental\)/);
  });

  it("sdk-ssl (TLS) builds without a warning for nginx (it has the ssl area) and for ts", async () => {
    const out = join(tempDir(), "sdk-ssl");
    const nginx = await runCli(["build", "test/guests/sdk-ssl", "--out-dir", out]);
    expect(nginx.code).toBe(0);
    expect(existsSync(join(out, "sdk-ssl.wasm"))).toBe(true);
    expect(nginx.stderr).toBe("");
    const ts = await runCli(["build", "test/guests/sdk-ssl", "--out-dir", out, "--host", "ts"]);
    expect(ts.code).toBe(0);
    expect(ts.stderr).toBe("");
  });

  it("a closure that captures a local → one error that says so and what to do (not asc's two)", async () => {
    const dir = join(tempDir(), "closure");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "index.ts"),
      [
        'import { Request, Response, handle } from "ngxwasm";',
        "export function on_content(): i32 {",
        "  let name = Request.uri();",
        "  return handle((): void => {",
        '    Response.say("hello " + name);',
        "  });",
        "}",
        "",
      ].join("\n"),
    );
    const r = await runCli(["build", dir, "--out-dir", join(tempDir(), "closure-out")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERROR AS100: this function uses 'name', a local variable of the function around it, and AssemblyScript functions cannot capture locals \(no closures\) — declare 'name' at module level/);
    expect(r.stderr).toMatch(/index\.ts\(5,29\)/);
    expect(r.stderr).not.toMatch(/TS2454|Not implemented: Closures/);
  });
});
