// `ngxwasm install` into a temporary nginx tree: the module is copied to
// wasm/<name>.wasm and conf.d/<name>.conf holds the phase's directive; a broken
// module is refused and nothing is written.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { ensureCliBuilt, fixtureWasm, runCli, tempDir } from "./cli.js";

beforeAll(ensureCliBuilt);

describe("ngxwasm install", () => {
  it("copies the module and writes a location block with the phase's directive", async () => {
    const tree = join(tempDir(), "tree1");
    const wasm = await fixtureWasm("ok");
    const r = await runCli([
      "install", wasm, "--tree", tree, "--name", "hello", "--location", "/greet",
      "--directive", "add_header X-Guest hello;", "--directive", "default_type text/html",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(tree, "wasm", "hello.wasm"))).toEqual(readFileSync(wasm));
    const conf = readFileSync(join(tree, "conf.d", "hello.conf"), "utf8");
    expect(conf).toMatch(/^# hello: written by `ngxwasm install`/);
    expect(conf).toContain(
      ["location /greet {", "    content_by_wasm wasm/hello.wasm on_content;", "    add_header X-Guest hello;", "    default_type text/html;", "}"].join("\n"),
    );
    expect(r.stdout).toMatch(/installed .*ok\.wasm → .*tree1\/wasm\/hello\.wasm/);
    expect(r.stdout).toMatch(/wrote .*tree1\/conf\.d\/hello\.conf/);
    expect(r.stdout).toMatch(/reload nginx/);
  });

  it("defaults: name from the file, location /<name>, the phase's conventional export", async () => {
    const tree = join(tempDir(), "tree2");
    const r = await runCli(["install", await fixtureWasm("phase-violation"), "--tree", tree, "--phase", "rewrite", "--export", "on_log"]);
    expect(r.code).toBe(0);
    const conf = readFileSync(join(tree, "conf.d", "phase-violation.conf"), "utf8");
    expect(conf).toContain("location /phase-violation {\n    rewrite_by_wasm wasm/phase-violation.wasm on_log;\n}");
  });

  it("server_rewrite is written at server level, without a location block", async () => {
    const tree = join(tempDir(), "tree3");
    const wasm = await fixtureWasm("ok");
    const r = await runCli(["install", wasm, "--tree", tree, "--phase", "server_rewrite", "--export", "on_content"]);
    expect(r.code).toBe(0);
    const conf = readFileSync(join(tree, "conf.d", "ok.conf"), "utf8");
    expect(conf).toMatch(/^server_rewrite_by_wasm wasm\/ok\.wasm on_content;$/m);
    expect(conf).not.toMatch(/^location|[{}]/m);
  });

  it("--location with a server-level phase is a usage error", async () => {
    const r = await runCli(["install", await fixtureWasm("ok"), "--tree", join(tempDir(), "tree7"), "--phase", "server_rewrite", "--location", "/x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--location does not apply to server_rewrite_by_wasm/);
  });

  it("refuses a module with problems (exit 1) and writes nothing", async () => {
    const tree = join(tempDir(), "tree4");
    const r = await runCli(["install", await fixtureWasm("phase-violation"), "--tree", tree, "--phase", "log"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/on_log can call "env\.ngx_wasm_resp_write", which is not allowed in phase log/);
    expect(r.stderr).toMatch(/not installed: .*phase-violation\.wasm has 1 problem/);
    expect(existsSync(join(tree, "wasm", "phase-violation.wasm"))).toBe(false);
    expect(existsSync(join(tree, "conf.d", "phase-violation.conf"))).toBe(false);
  });

  it("refuses a missing export", async () => {
    const tree = join(tempDir(), "tree5");
    const r = await runCli(["install", await fixtureWasm("missing-export"), "--tree", tree]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/export "on_content" is missing/);
    expect(existsSync(join(tree, "conf.d"))).toBe(false);
  });

  it("installs a guest with two handlers (--phase PHASE:EXPORT), each validated for its own phase", async () => {
    const tree = join(tempDir(), "tree8");
    const wasm = await buildGuest("guests/uppercase");
    const r = await runCli(["install", wasm, "--tree", tree, "--phase", "header_filter:on_header", "--phase", "body_filter:on_body"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const conf = readFileSync(join(tree, "conf.d", "uppercase.conf"), "utf8");
    expect(conf).toContain(
      ["location /uppercase {", "    header_filter_by_wasm wasm/uppercase.wasm on_header;", "    body_filter_by_wasm wasm/uppercase.wasm on_body;", "}"].join("\n"),
    );
  });

  it("refuses a handler given the other one's phase, naming the handler", async () => {
    const tree = join(tempDir(), "tree9");
    const r = await runCli(["install", await buildGuest("guests/uppercase"), "--tree", tree, "--phase", "header_filter:on_body"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/on_body can call "env\.ngx_wasm_resp_set_body_chunk", which is not allowed in phase header_filter/);
    expect(existsSync(join(tree, "conf.d", "uppercase.conf"))).toBe(false);
  });

  it("--export with several phases, a phase given twice, and mixed server/location phases are usage errors", async () => {
    const wasm = await fixtureWasm("ok");
    const tree = join(tempDir(), "tree10");
    const several = await runCli(["install", wasm, "--tree", tree, "--phase", "rewrite", "--phase", "content", "--export", "x"]);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/--export names one handler, but 2 phases are given — write each as --phase PHASE:EXPORT/);
    const twice = await runCli(["install", wasm, "--tree", tree, "--phase", "content", "--phase", "content:on_other"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/phase content is given twice/);
    const mixed = await runCli(["install", wasm, "--tree", tree, "--phase", "server_rewrite", "--phase", "content"]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/server_rewrite_by_wasm is server-level and the other phases need a location/);
    const unknown = await runCli(["install", wasm, "--tree", tree, "--phase", "contnet:on_content"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown phase "contnet"/);
    expect(existsSync(join(tree, "conf.d"))).toBe(false);
  });

  it("the balancer phase cannot be installed as a server snippet → usage error", async () => {
    const r = await runCli(["install", await fixtureWasm("ok"), "--tree", join(tempDir(), "tree6"), "--phase", "balancer"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/balancer_by_wasm belongs in an upstream \{\} block/);
  });
});
