// A compiled guest that needs a C symbol the host does not provide (before
// compiled guests were linked against libm: nearbyint, floor, …) is a bug of
// the module, not of the guest, and `nginx -t` says so, naming the symbol;
// any other reason dlopen gives is logged as it is. Found in the cache, such
// an object is then deleted and the guest compiled again, so nginx -t passes.
//
// The module's own wasm2c + cc run cannot produce such an object any more
// (test/sdk/math-nginx.test.ts), so the test makes one the way a host bug
// would reach nginx: in the compiled-guest cache. It lets the module compile
// and cache a guest, puts in the cached object's place one that needs a
// symbol nobody defines, and runs `nginx -t` again: the module loads that
// object as its own cache hit, through the unchanged dlopen path.
import { execFile } from "node:child_process";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

const execFileP = promisify(execFile);

describe("a compiled guest that cannot be loaded (nginx -t)", () => {
  let ngx: Nginx;
  let cached: string;

  beforeAll(async () => {
    ngx = await Nginx.create("missing-symbol");
    ngx.addGuest("probe", await watGuest("probe"));
    ngx.configure(`server { listen ${ngx.listen()}; location / { content_by_wasm wasm/probe.wasm on_content; } }`);
    const first = await ngx.test();
    expect(first.ok, first.output).toBe(true);
    // `wasm: compiled "<file>" in N ms (<so>)`
    cached = /wasm: compiled "[^"]*probe\.wasm" in \d+ ms \((\/[^)]*\.so)\)/.exec(first.output)?.[1] ?? "";
    expect(cached, first.output).toMatch(/\/wasm_cache\/[0-9a-f]{32}\.so$/);
  });

  /** Replace the cached object (atomically, as the module does) with `source` compiled, or with raw bytes. */
  async function replaceCached(content: { c: string } | { bytes: string }): Promise<void> {
    const tmp = join(ngx.prefix, "tmp", "replacement.so");
    if ("c" in content) {
      const src = join(ngx.prefix, "tmp", "replacement.c");
      writeFileSync(src, content.c);
      await execFileP("cc", ["-O2", "-fPIC", "-shared", "-o", tmp, src]);
    } else {
      writeFileSync(tmp, content.bytes);
    }
    renameSync(tmp, cached);
  }

  /** nginx -t after the cached object was replaced: the module's warn line about it, and that it compiled the guest again. */
  async function testRepairs(): Promise<string> {
    const t = await ngx.test();
    expect(t.ok, t.output).toBe(true);
    expect(t.output).not.toContain("[emerg]");
    expect(t.output).toMatch(/the cached "[^"]+\.so" of guest "[^"]*probe\.wasm" cannot be used \(see above\): it is deleted and compiled again/);
    expect(t.output).toMatch(/wasm: compiled "[^"]*probe\.wasm"/);
    return t.output.split("\n").find((l) => l.includes("[warn]")) ?? "";
  }

  it("names the missing symbol and calls it a bug of the module, to report", async () => {
    await replaceCached({
      c: `extern double ngx_wasm_symbol_nobody_defines(double);
          double probe(double x) { return ngx_wasm_symbol_nobody_defines(x); }\n`,
    });
    const warn = await testRepairs();
    expect(warn).toMatch(/wasm: guest "[^"]*\/wasm\/probe\.wasm" cannot be loaded/);
    expect(warn).toContain('needs the C symbol "ngx_wasm_symbol_nobody_defines", which this host does not provide');
    expect(warn).toContain("this is a bug of ngx_http_wasm_module, not an error in the guest: please report it");
    expect(warn).toContain(cached);
    expect(warn).toMatch(/nginx\.conf:\d+/);
  });

  it("any other reason dlopen gives is reported as it is", async () => {
    // an object that needs a library gone since it was linked
    const lib = join(ngx.prefix, "tmp", "libngxwasmgone.so");
    const libSrc = join(ngx.prefix, "tmp", "gone.c");
    writeFileSync(libSrc, "int ngx_wasm_gone(void) { return 1; }\n");
    await execFileP("cc", ["-fPIC", "-shared", "-o", lib, libSrc]);
    const src = join(ngx.prefix, "tmp", "needs-gone.c");
    writeFileSync(src, "int ngx_wasm_gone(void);\nint probe(void) { return ngx_wasm_gone(); }\n");
    const tmp = join(ngx.prefix, "tmp", "replacement.so");
    await execFileP("cc", ["-fPIC", "-shared", "-o", tmp, src, `-L${join(ngx.prefix, "tmp")}`, "-lngxwasmgone"]);
    rmSync(lib);
    renameSync(tmp, cached);
    const warn = await testRepairs();
    expect(warn).toMatch(/wasm: cannot load the compiled guest "[^"]*\/wasm\/probe\.wasm"/);
    expect(warn).toContain("libngxwasmgone.so: cannot open shared object file");
    expect(warn).not.toMatch(/bug of ngx_http_wasm_module/);
  });

  it("bytes that are no shared object, or one cut short, never reach dlopen", async () => {
    await replaceCached({ bytes: "not a shared object\n" });
    const warn = await testRepairs();
    expect(warn).toMatch(/wasm: cannot load the compiled guest "[^"]*\/wasm\/probe\.wasm" \([^)]+\): it is not a shared object of this machine/);
  });
});
