// Guests are compiled when the configuration is loaded and cached by content:
// a reload with unchanged guests compiles nothing, a changed guest is
// compiled again, and requests keep being answered across reloads. Two
// workers: the master compiles, the workers inherit the loaded guest.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { watGuest, watToWasm } from "./wat.js";

// the module's notice lines: `wasm: compiled "<file>" in N ms (<so>)` and `wasm: using cached "<file>" (<so>)`
const CACHED = /wasm: using cached "[^"]*probe\.wasm"/;
const COMPILED = /wasm: compiled "[^"]*probe\.wasm"/;

describe("compiled-guest cache across reloads", () => {
  let ngx: Nginx;
  let config: string;

  beforeAll(async () => {
    ngx = await Nginx.create("reload-cache", { workers: 2 });
    const probe = ngx.addGuest("probe", await watGuest("probe"));
    config = `
    server {
        listen ${ngx.listen()};
        location = /content { content_by_wasm ${probe} on_content; }
        location = /json    { content_by_wasm ${probe} on_json; }
    }`;
    await ngx.start(config);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("the first start compiles the guest once, in the master, for both workers", async () => {
    expect(ngx.errorLog()).not.toMatch(CACHED);
    expect(ngx.errorLog().split("\n").filter((l) => COMPILED.test(l))).toHaveLength(1);
    expect(ngx.workerPids()).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 8 }, () => ngx.get("/content")));
    expect(answers.every((r) => r.text === "content ok\n")).toBe(true);
    // wasm_cache_path wasm_cache (set by the harness) puts the shared object in the prefix
    expect(ngx.errorLog()).toContain(`(${ngx.prefix}/wasm_cache/`);
  });

  it("a reload with the unchanged guest uses the cache", async () => {
    const r = await ngx.reload(config);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toMatch(CACHED);
    expect(r.output).not.toMatch(/wasm: compiled/);
    expect((await ngx.get("/content")).text).toBe("content ok\n");
  });

  it("a changed guest file is compiled again on reload and serves its new code", async () => {
    const changed = readFileSync(new URL("./guests/probe.wat", import.meta.url), "utf8").replace(
      '(str "content ok\\n")',
      '(str "content v2\\n")',
    );
    expect(changed).toContain("content v2");
    ngx.addFile("wasm/probe.wasm", await watToWasm("probe-v2", changed));
    const r = await ngx.reload(config);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).not.toMatch(CACHED);
    expect(r.output).toMatch(COMPILED);
    expect((await ngx.get("/content")).text).toBe("content v2\n");
    // and reloading that one again is a cache hit
    const again = await ngx.reload(config);
    expect(again.output).toMatch(CACHED);
    expect(again.output).not.toMatch(/wasm: compiled/);
  });
});
