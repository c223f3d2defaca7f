// ngxwasm/testing's build-and-load helpers (testing/build.ts), as a project's
// tests use them: entries resolved from the working directory, built through
// `ngxwasm build`'s code path, loaded into an in-process Host.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { buildGuest, GuestBuildError, Host, loadGuest } from "../../testing/index.js";
import { tempDir } from "../cli/cli.js";

const ROOT = projectRoot();

describe("ngxwasm/testing: buildGuest, loadGuest", () => {
  it("loadGuest builds a guest directory and runs a phase with a request", async () => {
    const echo = await loadGuest(join(ROOT, "guests", "echo"), { outDir: join(tempDir(), "helpers") });
    expect(echo.wasmPath).toBe(join(tempDir(), "helpers", "echo.wasm"));
    const r = await echo.run({ phase: "content", request: { uri: "/echo/x?a=1", headers: { "X-Request-Id": "42" } } });
    expect(r.ok).toBe(true);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ method: "GET", uri: "/echo/x", query: { a: "1" } });
  });

  it("builds once per entry and options in a process", async () => {
    const outDir = join(tempDir(), "once");
    const first = buildGuest(join(ROOT, "guests", "hello"), { outDir });
    expect(buildGuest(join(ROOT, "guests", "hello"), { outDir })).toBe(first);
    expect(buildGuest(join(ROOT, "guests", "hello"), { outDir, debug: true })).not.toBe(first);
    expect(await first).toBe(join(outDir, "hello.wasm"));
  });

  it("loads a .wasm as it is, into the Host given, whose shared dict and clock the test reads", async () => {
    const host = new Host({ clock: "manual" });
    const wasm = await buildGuest(join(ROOT, "guests", "counter"), { outDir: join(tempDir(), "helpers") });
    const counter = await loadGuest(wasm, { host });
    expect(counter.host).toBe(host);
    expect(counter.wasmPath).toBe(wasm);
    const r = await counter.run({ phase: "content", request: { uri: "/counter/a" } });
    expect(r.body).toContain('"hits":1');
    expect(host.shm.keys().length).toBe(1);
  });

  it("a compile error rejects with GuestBuildError carrying the compiler's messages", async () => {
    const entry = join(ROOT, "test", "fixtures", "guests", "compile-error");
    const failure = await loadGuest(entry, { outDir: join(tempDir(), "helpers") }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GuestBuildError);
    const e = failure as GuestBuildError;
    expect(e.entry).toBe(entry);
    expect(e.errors.join("\n")).toMatch(/TS2322: Type '~lib\/string\/String' is not assignable to type 'i32'/);
    expect(e.message).toMatch(/compile-error\/index\.ts\(6,25\)/);
  });
});
