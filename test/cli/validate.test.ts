// `ngxwasm validate` on the hand-written failure fixtures: exit code 1 and one
// line naming the file, the item and the problem; exit 0 and "ok" otherwise.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateModule } from "../../host/validate.js";
import { buildGuest } from "../support/guests.js";
import { ensureCliBuilt, fixtureWasm, runCli, tempDir, type Feature } from "./cli.js";

beforeAll(ensureCliBuilt);

interface Case {
  fixture: string;
  features?: Feature[];
  args?: string[];
  /** every pattern must match one line of stderr */
  expect: RegExp[];
}

const cases: Case[] = [
  { fixture: "no-memory", expect: [/no-memory\.wasm: exports no memory named "memory"/] },
  {
    fixture: "missing-export",
    args: ["--export", "on_content"],
    expect: [/missing-export\.wasm: export "on_content" is missing \(exported functions: on_request\)/],
  },
  {
    fixture: "wrong-export-type",
    args: ["--export", "on_content"],
    expect: [/wrong-export-type\.wasm: export "on_content" has type \(i32\) -> i32 but a handler must be \(\) -> i32/],
  },
  {
    fixture: "unknown-import",
    expect: [/unknown-import\.wasm: import "env\.ngx_wasm_resp_send" is not an ngx_wasm ABI v1 function/],
  },
  {
    fixture: "wasi-import",
    expect: [/wasi-import\.wasm: import "wasi_snapshot_preview1\.fd_write" is not from module "env"/],
  },
  {
    fixture: "abort-import",
    expect: [/abort-import\.wasm: import "env\.abort" is AssemblyScript's runtime hook .* build with `ngxwasm build`/],
  },
  {
    fixture: "wrong-import-type",
    expect: [/wrong-import-type\.wasm: import "env\.ngx_wasm_log" has type \(i32, i32\) -> i32 but the ABI defines \(i32, i32, i32\) -> i32/],
  },
  { fixture: "simd", features: ["simd"], expect: [/simd\.wasm: uses SIMD .* cannot compile/] },
  { fixture: "shared-memory", features: ["threads"], expect: [/shared-memory\.wasm: uses threads .* cannot compile/] },
  { fixture: "atomics", features: ["threads"], expect: [/atomics\.wasm: uses threads .* cannot compile/] },
  { fixture: "tail-call", features: ["tail_call"], expect: [/tail-call\.wasm: uses tail calls .* cannot compile/] },
  { fixture: "memory64", features: ["memory64"], expect: [/memory64\.wasm: uses 64-bit memory \(memory64\)/] },
  {
    fixture: "phase-violation",
    args: ["--export", "on_log", "--phase", "log"],
    expect: [
      /phase-violation\.wasm: on_log can call "env\.ngx_wasm_resp_write" \(in the SDK: Response\.say, .*\), which is not allowed in phase log \(log_by_wasm\); it is allowed in: server_rewrite, rewrite, access, content — remove that call from on_log's code path/,
    ],
  },
  {
    fixture: "phase-violation",
    args: ["--phase", "log"],
    expect: [
      /phase-violation\.wasm: the module imports "env\.ngx_wasm_resp_write" \(in the SDK: Response\.say, .*\), which is not allowed in phase log .* — name the handler with --export/,
    ],
  },
];

describe("ngxwasm validate: failure fixtures", () => {
  for (const c of cases) {
    it(`${[c.fixture, ...(c.args ?? [])].join(" ")} → exit 1 naming the problem`, async () => {
      const wasm = await fixtureWasm(c.fixture, c.features);
      const r = await runCli(["validate", wasm, ...(c.args ?? [])]);
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split("\n");
      for (const pattern of c.expect) expect(lines.some((l) => pattern.test(l)), `${pattern} in:\n${r.stderr}`).toBe(true);
      expect(r.stderr).toMatch(new RegExp(`: ${c.expect.length} problems?$`, "m"));
      expect(r.stdout).not.toMatch(/: ok/);
    });
  }

  it("names only the feature a module uses", async () => {
    const r = await runCli(["validate", await fixtureWasm("tail-call", ["tail_call"])]);
    expect(r.stderr).toMatch(/tail calls/);
    expect(r.stderr).not.toMatch(/SIMD|threads|memory64/);
  });

  it("a file that is not WebAssembly → exit 1", async () => {
    const path = join(tempDir(), "notes.wasm");
    writeFileSync(path, "this is text, not a module\n");
    const r = await runCli(["validate", path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/notes\.wasm: not a WebAssembly module/);
  });

  it("a missing file → exit 1", async () => {
    const r = await runCli(["validate", join(tempDir(), "absent.wasm")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/absent\.wasm: cannot read the file \(no such file\)/);
  });
});

describe("ngxwasm validate: valid modules and usage", () => {
  it("accepts a good module for its export and phase", async () => {
    const r = await runCli(["validate", await fixtureWasm("ok"), "--export", "on_content", "--phase", "content"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\.wasm: ok for the nginx host \(exports on_content; phase content\)/);
  });

  it("the same module in a phase that forbids resp_write → exit 1", async () => {
    const r = await runCli(["validate", await fixtureWasm("ok"), "--phase", "header_filter"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not allowed in phase header_filter \(header_filter_by_wasm\)/);
  });

  it("checks only what the named handler can reach: uppercase's header filter passes, its body filter does not", async () => {
    const wasm = await buildGuest("guests/uppercase");
    const header = await runCli(["validate", wasm, "--export", "on_header", "--phase", "header_filter"]);
    expect(header.stderr).toBe("");
    expect(header.code).toBe(0);
    const body = await runCli(["validate", wasm, "--export", "on_body", "--phase", "header_filter"]);
    expect(body.code).toBe(1);
    expect(body.stderr).toMatch(/on_body can call "env\.ngx_wasm_resp_set_body_chunk" \(in the SDK: BodyChunk\.replace\), which is not allowed in phase header_filter/);
  });

  it("an unknown phase is a usage error (exit 2) listing the phases", async () => {
    const r = await runCli(["validate", await fixtureWasm("ok"), "--phase", "contnet"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown phase "contnet" — use one of: server_rewrite, rewrite, access, content/);
  });

  it("a missing argument is a usage error (exit 2)", async () => {
    const r = await runCli(["validate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument/);
  });
});

describe("ngxwasm validate --host: what the target host implements (host-abi/hosts.json)", () => {
  it("a guest importing TLS functions passes for the nginx host (the default) too: it implements every area", async () => {
    const wasm = await fixtureWasm("ssl-import");
    for (const args of [[], ["--host", "nginx"]]) {
      const r = await runCli(["validate", wasm, "--export", "on_content", "--phase", "content", ...args]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
  });

  it("the same guest passes for the in-process host (--host ts) and the reference host (--host ngx_wasm)", async () => {
    const wasm = await fixtureWasm("ssl-import");
    for (const host of ["ts", "ngx_wasm"]) {
      const r = await runCli(["validate", wasm, "--export", "on_content", "--phase", "content", "--host", host]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`ssl-import\\.wasm: ok for the ${host} host`));
    }
  });

  it("a phase the host does not run is a problem: access on ngx_wasm; nginx and ts run it", async () => {
    const wasm = await fixtureWasm("ok");
    const r = await runCli(["validate", wasm, "--export", "on_content", "--phase", "access", "--host", "ngx_wasm"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /ok\.wasm: handler on_content for phase access: the ngx_wasm host does not run phase access \(it has no access_by_wasm\); it runs server_rewrite, rewrite, content, .* — use one of those phases, or target this project's nginx module \(--host nginx\) or the in-process host \(--host ts\)/,
    );
    for (const host of ["nginx", "ts"]) {
      expect((await runCli(["validate", wasm, "--export", "on_content", "--phase", "access", "--host", host])).code).toBe(0);
    }
    const ssl = await runCli(["validate", await fixtureWasm("ok"), "--phase", "ssl_certificate"]);
    expect(ssl.stderr).toMatch(/"env\.ngx_wasm_resp_write" \(in the SDK: Response\.say, .*\), which is not allowed in phase ssl_certificate/);
  });

  it("an unknown host is a usage error (exit 2) listing the hosts", async () => {
    const r = await runCli(["validate", await fixtureWasm("ok"), "--host", "apache"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'apache' is invalid\. Allowed choices are nginx, ngx_wasm, ts/);
  });

  it("--help lists the hosts and what each lacks", async () => {
    const r = await runCli(["validate", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}nginx +this project's nginx module; implements the whole ABI \(default\)$/m);
    expect(r.stdout).toMatch(/^ {2}ngx_wasm +the reference ngx_wasm host; lacks phase access$/m);
    expect(r.stdout).toMatch(/^ {2}ts +the in-process host; implements the whole ABI$/m);
  });
});

describe("validateModule (the API the build and the TS host use)", () => {
  it("checks a host only when given one: host_area names the area and its imports", async () => {
    const bytes = new Uint8Array(readFileSync(await fixtureWasm("ssl-import")));
    expect(await validateModule(bytes, { exports: ["on_content"], phase: "content" })).toEqual([]);
    expect(await validateModule(bytes, { exports: ["on_content"], phase: "content", host: "ts" })).toEqual([]);
    // the nginx host implements every area (TLS since ssl_*_by_wasm): no host_area problem
    expect(await validateModule(bytes, { handlers: [{ export: "on_content", phase: "content" }], host: "nginx" })).toEqual([]);
    const access = await validateModule(bytes, { handlers: [{ export: "on_content", phase: "access" }], host: "ngx_wasm" });
    expect(access.map((p) => [p.code, p.item])).toEqual([["host_phase", "access"]]);
  });

  it("returns one Problem per broken rule with a code, the item and a one-line message", async () => {
    const bytes = new Uint8Array(readFileSync(await fixtureWasm("phase-violation")));
    const problems = await validateModule(bytes, { exports: ["on_log", "on_content"], phase: "log", fileName: "pv.wasm" });
    expect(problems.map((p) => [p.code, p.item])).toEqual([
      ["missing_export", "on_content"],
      ["phase", "env.ngx_wasm_resp_write"],
    ]);
    for (const p of problems) expect(p.message).toMatch(/^pv\.wasm: [^\n]+$/);
  });

  it("returns no problems for a valid module", async () => {
    const bytes = new Uint8Array(readFileSync(await fixtureWasm("ok")));
    expect(await validateModule(bytes, { exports: ["on_content"], phase: "content" })).toEqual([]);
  });
});
