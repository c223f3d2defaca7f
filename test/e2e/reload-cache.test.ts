// Guests are compiled when the configuration is loaded and cached by content:
// a reload with unchanged guests compiles nothing, a changed guest is
// compiled again, and requests keep being answered across reloads. Two
// workers: the master compiles, the workers inherit the loaded guest. A cache
// entry that cannot be loaded is deleted and compiled again.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
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

  it("a cached object that cannot be loaded (garbage, empty, truncated) is deleted and compiled again, and serves", async () => {
    // the current entry (probe v2): the last one the log names
    const so = [...ngx.errorLog().matchAll(/wasm: (?:compiled|using cached) "[^"]*probe\.wasm" \(([^)]+\.so)\)/g)].at(-1)?.[1];
    expect(so).toBeDefined();
    const good = readFileSync(so!);
    const broken: [string, Uint8Array][] = [
      ["garbage", new TextEncoder().encode("not a shared object\n")],
      ["empty", new Uint8Array(0)],
      ["truncated", good.subarray(0, 4096)],
    ];
    for (const [what, bytes] of broken) {
      // a new file under the name: the running workers keep their mapping of the old one
      writeFileSync(`${so}.tmp`, bytes);
      renameSync(`${so}.tmp`, so!);
      const t = await ngx.test();
      expect(t.ok, `${what}: ${t.output}`).toBe(true);
      expect(t.output, what).toMatch(/wasm: cannot load the compiled guest "[^"]*probe\.wasm"/);
      expect(t.output, what).toMatch(/the cached "[^"]+\.so" of guest "[^"]*probe\.wasm" cannot be used \(see above\): it is deleted and compiled again/);
      expect(t.output, what).toMatch(COMPILED);
      expect(t.output, what).not.toMatch(/\[emerg\]/);
      // the entry is whole again: the next load uses it
      const again = await ngx.test();
      expect(again.output, what).toMatch(CACHED);
      expect(again.output, what).not.toMatch(/cannot be used|wasm: compiled/);
    }
    const r = await ngx.reload(config);
    expect(r.ok, r.output).toBe(true);
    expect((await ngx.get("/content")).text).toBe("content v2\n");
  });
});
