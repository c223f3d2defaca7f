// Guests that cannot run are refused when the configuration is loaded:
// `nginx -t` fails and its output names the file and the problem. nginx is
// never started here; each case rewrites the configuration of one prefix.
import { beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

describe("config-time guest failures (nginx -t)", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("config-failures");
    ngx.addGuest("probe", await watGuest("probe"));
    for (const name of ["no-memory", "import-abort", "import-wasi", "import-mistyped", "simd"]) {
      ngx.addGuest(name, await watGuest(name));
    }
    ngx.addFile("wasm/text.wasm", "this is not WebAssembly\n");
  });

  /** nginx -t with one location running `directive`. */
  async function check(directive: string) {
    ngx.configure(`server { listen ${ngx.listen()}; location / { ${directive} } }`);
    return ngx.test();
  }

  it("accepts a valid guest", async () => {
    const t = await check("content_by_wasm wasm/probe.wasm on_content;");
    expect(t.output).toMatch(/test is successful/);
    expect(t.ok).toBe(true);
  });

  const cases: { what: string; directive: string; names: RegExp[] }[] = [
    {
      what: "a missing file",
      directive: "content_by_wasm wasm/missing.wasm on_content;",
      names: [/wasm\/missing\.wasm/, /no such file|not found|cannot open|failed/i],
    },
    {
      what: "a file that is not WebAssembly",
      directive: "content_by_wasm wasm/text.wasm on_content;",
      names: [/wasm\/text\.wasm/, /not a (valid )?WebAssembly|magic/i],
    },
    {
      what: "a guest without an exported memory",
      directive: "content_by_wasm wasm/no-memory.wasm on_content;",
      names: [/no-memory\.wasm/, /memory/],
    },
    {
      what: "a missing export (the guest's handler exports listed instead)",
      directive: "content_by_wasm wasm/probe.wasm on_nowhere;",
      names: [/probe\.wasm/, /has no export "on_nowhere"; its handler exports \(functions \(\) -> i32\): on_[a-z_]+(, on_[a-z_]+)*/],
    },
    {
      what: "an export of the wrong type",
      directive: "content_by_wasm wasm/probe.wasm on_void;",
      names: [/probe\.wasm/, /on_void/, /type|signature|\(\) -> i32/i],
    },
    {
      what: "an import outside the ABI (env.abort)",
      directive: "content_by_wasm wasm/import-abort.wasm on_content;",
      names: [/import-abort\.wasm/, /abort/],
    },
    {
      what: "an import from a module other than env (WASI)",
      directive: "content_by_wasm wasm/import-wasi.wasm on_content;",
      names: [/import-wasi\.wasm/, /wasi_snapshot_preview1|fd_write/],
    },
    {
      what: "an ABI import with the wrong type",
      directive: "content_by_wasm wasm/import-mistyped.wasm on_content;",
      names: [/import-mistyped\.wasm/, /ngx_wasm_log/, /type|signature/i],
    },
    {
      what: "a guest using SIMD",
      directive: "content_by_wasm wasm/simd.wasm on_content;",
      names: [/simd\.wasm/, /SIMD|v128/i],
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.what}`, async () => {
      const t = await check(c.directive);
      expect(t.ok, t.output).toBe(false);
      const emerg = t.output.split("\n").find((l) => l.includes("[emerg]")) ?? "";
      for (const re of c.names) expect(emerg, t.output).toMatch(re);
      // the line points at the directive in the configuration
      expect(emerg).toMatch(/nginx\.conf:\d+/);
    });
  }

  it("rejects two handlers for the same phase in one block", async () => {
    const t = await check("content_by_wasm wasm/probe.wasm on_content; content_by_wasm wasm/probe.wasm on_json;");
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/"content_by_wasm" directive is duplicate/);
  });

  it("rejects wasm_cache_path after a guest was loaded", async () => {
    ngx.configure(`server { listen ${ngx.listen()}; location / { content_by_wasm wasm/probe.wasm on_content; } }
      wasm_cache_path elsewhere;`);
    const t = await ngx.test();
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/wasm_cache_path must come before the first \*_by_wasm directive/);
  });

  it("rejects a guest in a non-content phase the same way (rewrite, missing export)", async () => {
    const t = await check("rewrite_by_wasm wasm/probe.wasm on_missing_rewrite;");
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/on_missing_rewrite/);
  });
});
