// `ngxwasm inspect`: exports with types, imports with their ABI areas, the
// phases a module can serve on the target host (--host, default nginx) and
// each handler export with the phases it can serve there.
import { beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { ensureCliBuilt, fixtureWasm, runCli } from "./cli.js";

beforeAll(ensureCliBuilt);

describe("ngxwasm inspect", () => {
  it("prints exports, imports, areas, phases and handlers", async () => {
    const r = await runCli(["inspect", await fixtureWasm("ok")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\.wasm {2}\d+ B \(\d+ bytes\)/);
    expect(r.stdout).toMatch(/^host: nginx \(this project's nginx module; --host to change\)$/m);
    expect(r.stdout).toMatch(/^ {2}memory +memory$/m);
    expect(r.stdout).toMatch(/^ {2}on_content +function \(\) -> i32$/m);
    // each import with the SDK calls that reach it, in the author's terms
    expect(r.stdout).toMatch(/^ {2}env\.ngx_wasm_resp_write +\(i32, i32\) -> i32 +\[response\] +← Response\.say, Response\.print, .*Response\.flush, Response\.exit$/m);
    expect(r.stdout).toMatch(/^ABI areas: response \(response status, headers and body\)$/m);
    expect(r.stdout).toMatch(/^phases it can serve on nginx: server_rewrite, rewrite, access, content$/m);
    expect(r.stdout).toMatch(/^handlers \(the phases each can serve on nginx.*\):\n {2}on_content {2}server_rewrite, rewrite, access, content {2}\(named for content\)$/m);
    expect(r.stdout).not.toMatch(/problems/);
  });

  it("--json gives the same facts as one object", async () => {
    const r = await runCli(["inspect", await fixtureWasm("phase-violation"), "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.size).toBeGreaterThan(8);
    expect(info.exports).toEqual([
      { name: "memory", kind: "memory" },
      { name: "on_log", kind: "function", type: "() -> i32" },
    ]);
    expect(info.imports).toEqual([
      {
        module: "env",
        name: "ngx_wasm_resp_write",
        kind: "function",
        type: "(i32, i32) -> i32",
        area: "response",
        sdk: expect.stringMatching(/^Response\.say, /),
        phases: ["server_rewrite", "rewrite", "access", "content"],
        onHost: true,
      },
    ]);
    expect(info.host).toBe("nginx");
    expect(info.refusedImports).toEqual([]);
    expect(info.areas.map((a: { area: string }) => a.area)).toEqual(["response"]);
    expect(info.phases).toEqual(["server_rewrite", "rewrite", "access", "content"]);
    // on_log is named for the log phase, which it cannot serve: it calls resp_write.
    expect(info.handlers).toEqual([
      { export: "on_log", phases: ["server_rewrite", "rewrite", "access", "content"], conventionalFor: ["log"] },
    ]);
    expect(info.problems).toEqual([]);
  });

  it("gives each handler of a multi-phase guest the phases it can serve (uppercase)", async () => {
    const r = await runCli(["inspect", await buildGuest("guests/uppercase"), "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.phases).toEqual(["body_filter"]); // every import allowed: only the body filter
    const byExport = Object.fromEntries(info.handlers.map((h: { export: string; phases: string[] }) => [h.export, h.phases]));
    expect(byExport.on_header).toContain("header_filter");
    expect(byExport.on_body).toEqual(["body_filter"]);
  });

  it("lists a module's problems and the imports outside the ABI", async () => {
    const r = await runCli(["inspect", await fixtureWasm("abort-import")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}env\.abort +\(i32, i32, i32, i32\) -> \(\) +\[not in the ABI\]$/m);
    expect(r.stdout).toMatch(/^phases it can serve on nginx: none$/m);
    expect(r.stdout).toMatch(/^problems \(1\):\n {2}.*abort-import\.wasm: import "env\.abort" is AssemblyScript's runtime hook/m);
  });

  it("a guest importing TLS functions: each handler serves the phases its calls allow, on nginx as on the in-process host (--host ts)", async () => {
    const wasm = await fixtureWasm("ssl-import");
    const r = await runCli(["inspect", wasm]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}env\.ngx_wasm_ssl_get_server_name +\(i32, i32\) -> i32 +\[ssl\] +← Ssl\.serverName$/m);
    expect(r.stdout).toMatch(/^ {2}on_content {2}server_rewrite, rewrite, access, content {2}\(named for content\)$/m);

    const ts = JSON.parse((await runCli(["inspect", wasm, "--host", "ts", "--json"])).stdout);
    expect(ts.host).toBe("ts");
    expect(ts.refusedImports).toEqual([]);
    expect(ts.handlers).toEqual([{ export: "on_content", phases: ["server_rewrite", "rewrite", "access", "content"], conventionalFor: ["content"] }]);
    expect(ts.problems).toEqual([]);

    const nginx = JSON.parse((await runCli(["inspect", wasm, "--json"])).stdout);
    expect(nginx.refusedImports).toEqual([]);
    expect(nginx.imports.find((i: { name: string }) => i.name === "ngx_wasm_ssl_get_server_name").onHost).toBe(true);
    expect(nginx.handlers).toEqual(ts.handlers);
  });

  it("per handler, only the phases the host runs: no access on ngx_wasm", async () => {
    const r = await runCli(["inspect", await fixtureWasm("ok"), "--host", "ngx_wasm"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^phases it can serve on ngx_wasm: server_rewrite, rewrite, content$/m);
    expect(r.stdout).toMatch(/^ {2}on_content {2}server_rewrite, rewrite, content {2}\(named for content\)$/m);
  });

  it("a file that is not WebAssembly → exit 1", async () => {
    const r = await runCli(["inspect", "package.json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/package\.json: not a WebAssembly module/);
  });
});
