import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GuestLoadError, Host } from "../../host/index.js";
import { abiGuest, abiImport, wat } from "../support/wat.js";

async function loadError(bytes: Uint8Array | string, host = new Host()): Promise<GuestLoadError> {
  try {
    await host.load(bytes, "bad");
  } catch (e) {
    expect(e).toBeInstanceOf(GuestLoadError);
    return e as GuestLoadError;
  }
  throw new Error("load() accepted the guest");
}

describe("Host.load", () => {
  it("loads a valid guest from a file and names it after the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ngxwasm-host-"));
    const file = join(dir, "hello.wasm");
    writeFileSync(file, await abiGuest(`(func (export "on_content") (result i32) (i32.const 0))`));
    const guest = await new Host().load(file);
    expect(guest.name).toBe("hello");
    expect(guest.file).toBe(file);
    expect(guest.exports.map((e) => e.name)).toEqual(["memory", "on_content"]);
  });

  it("rejects a module without a memory export", async () => {
    const err = await loadError(await wat(`(module (memory 1) (func (export "on_content") (result i32) (i32.const 0)))`));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^exports no memory named "memory" — a guest must export its linear memory/);
    expect(err.message).toContain('cannot load guest "bad" (bytes)');
  });

  it("rejects an import that is not in the ABI, naming it", async () => {
    const err = await loadError(
      await wat(`(module (import "env" "abort" (func (param i32 i32 i32 i32))) (memory (export "memory") 1))`),
    );
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^import "env\.abort" is AssemblyScript's runtime hook .* — build with `ngxwasm build`/);
  });

  it("rejects an ABI import with the wrong type, showing both types", async () => {
    const err = await loadError(
      await wat(`(module (import "env" "ngx_wasm_log" (func (param i32 i32) (result i32))) (memory (export "memory") 1))`),
    );
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(
      /^import "env\.ngx_wasm_log" has type \(i32, i32\) -> i32 but the ABI defines \(i32, i32, i32\) -> i32/,
    );
  });

  it("rejects imports from other modules and non-function imports, listing every problem", async () => {
    const err = await loadError(
      await wat(`(module
        (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
        (import "env" "memory" (memory 1))
        ${abiImport("ngx_wasm_yield")})`),
    );
    expect(err.problems).toHaveLength(3);
    expect(err.problems[0]).toMatch(/^exports no memory named "memory"/);
    expect(err.problems[1]).toMatch(/^import "wasi_snapshot_preview1\.fd_write" is not from module "env"/);
    expect(err.problems[2]).toMatch(/^import "env\.memory" is a memory/);
  });

  it("rejects bytes that are not WebAssembly and unreadable files, naming the file", async () => {
    expect((await loadError(new Uint8Array([1, 2, 3]))).problems[0]).toMatch(/^not a WebAssembly module \(no \\0asm header\)/);
    const missing = join(tmpdir(), "ngxwasm-no-such-file.wasm");
    const err = await loadError(missing);
    expect(err.message).toContain(missing);
    expect(err.problems[0]).toMatch(/^cannot read the file/);
  });

  it("rejects what nginx cannot compile (SIMD), as ngxwasm validate and nginx -t do", async () => {
    const err = await loadError(
      await abiGuest(`(func (export "on_content") (result i32) (i32x4.extract_lane 0 (v128.const i32x4 0 0 0 0)))`),
    );
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^uses SIMD .* which the nginx host's compiler \(wasm2c\) cannot compile/);
  });

  it("rejects a memory that starts above maxMemoryPages", async () => {
    const bytes = await abiGuest(`(func (export "on_content") (result i32) (i32.const 0))`, { memoryPages: 3 });
    const err = await loadError(bytes, new Host({ maxMemoryPages: 2 }));
    expect(err.problems).toEqual(["memory starts at 3 pages, above the host limit of 2 pages (maxMemoryPages)"]);
    await expect(new Host({ maxMemoryPages: 3 }).load(bytes)).resolves.toBeDefined();
  });
});

describe("handler exports at run time", () => {
  it("reports a missing export as a failure with the exports it has", async () => {
    const host = new Host();
    const guest = await host.load(await abiGuest(`(func (export "on_rewrite") (result i32) (i32.const 0))`), "g");
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    expect(r.trap?.kind).toBe("invalid_export");
    expect(r.error).toBe(
      `guest "g" export "on_content" (phase content) failed: invalid_export: the guest exports no function "on_content" (its functions: on_rewrite)`,
    );
    expect(r.invocations).toBe(0);
  });

  it("refuses an export that is not () -> i32", async () => {
    const host = new Host();
    const guest = await host.load(await abiGuest(`(func (export "on_content") (param i32) (result i32) (i32.const 0))`), "g");
    const r = await host.run(guest, { phase: "content" });
    expect(r.trap).toEqual({ kind: "invalid_export", message: "the export has type (i32) -> i32; a handler must be () -> i32" });
  });

  it("uses the phase's conventional export by default", async () => {
    const host = new Host();
    const guest = await host.load(
      await abiGuest(`
        (data (i32.const 0) "AC")
        (func (export "on_access") (result i32) (call $ngx_wasm_resp_write (i32.const 0) (i32.const 1)))
        (func (export "on_content") (result i32) (call $ngx_wasm_resp_write (i32.const 1) (i32.const 1)))`),
    );
    expect((await host.run(guest, { phase: "access" })).body).toBe("A");
    expect((await host.run(guest, { phase: "content" })).body).toBe("C");
  });
});
