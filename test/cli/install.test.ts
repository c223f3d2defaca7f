// `ngxwasm install` into a temporary nginx tree: the module is copied to
// wasm/<name>.wasm and conf.d/<name>.conf holds the phase's directive; a broken
// module is refused and nothing is written.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
    expect(r.stderr).toMatch(/on_log can call "env\.ngx_wasm_resp_write" \(in the SDK: Response\.say, .*\), which is not allowed in phase log/);
    expect(r.stderr).toMatch(/not installed: .*phase-violation\.wasm has 1 problem for the nginx host/);
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
    expect(r.stderr).toMatch(/on_body can call "env\.ngx_wasm_resp_set_body_chunk" \(in the SDK: BodyChunk\.replace\), which is not allowed in phase header_filter/);
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

  it("installs a guest importing TLS functions for the nginx host (the default), which implements every area, and for ngx_wasm", async () => {
    const tree = join(tempDir(), "tree11");
    const wasm = await fixtureWasm("ssl-import");
    const nginx = await runCli(["install", wasm, "--tree", join(tempDir(), "tree11-nginx")]);
    expect(nginx.code, nginx.stderr).toBe(0);
    const ok = await runCli(["install", wasm, "--tree", tree, "--host", "ngx_wasm"]);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(tree, "conf.d", "ssl-import.conf"), "utf8")).toContain("content_by_wasm wasm/ssl-import.wasm on_content;");
  });

  it("refuses an access-phase install for the ngx_wasm host, which has no access_by_wasm; nginx takes it", async () => {
    const tree = join(tempDir(), "tree12");
    const wasm = await fixtureWasm("ok");
    const r = await runCli(["install", wasm, "--tree", tree, "--phase", "access:on_content", "--host", "ngx_wasm"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/handler on_content for phase access: the ngx_wasm host does not run phase access \(it has no access_by_wasm\)/);
    expect(existsSync(tree)).toBe(false);
    const nginx = await runCli(["install", wasm, "--tree", tree, "--phase", "access:on_content"]);
    expect(nginx.code).toBe(0);
    expect(readFileSync(join(tree, "conf.d", "ok.conf"), "utf8")).toContain("access_by_wasm wasm/ok.wasm on_content;");
  });

  it("refuses a server-level handler whose calls its phase forbids (resp_write in ssl_certificate)", async () => {
    const tree = join(tempDir(), "tree13");
    const r = await runCli(["install", await fixtureWasm("ok"), "--tree", tree, "--phase", "ssl_certificate:on_content"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"env\.ngx_wasm_resp_write" \(in the SDK: Response\.say, .*\), which is not allowed in phase ssl_certificate/);
    expect(existsSync(tree)).toBe(false);
  });

  it("refuses --directive texts the host would refuse (usage error, nothing written); its own directives pass", async () => {
    const tree = join(tempDir(), "tree14");
    const wasm = await fixtureWasm("ok");
    const cases: [string[], RegExp][] = [
      [["--directive", "wasm_cache_path cache"], /wasm_cache_path is not allowed in a location block on the nginx host \(contexts: http\)/],
      [["--directive", "wasm_shm_zone dict 1m"], /wasm_shm_zone is not allowed in a location block on the nginx host \(contexts: http\)/],
      [["--directive", "wasm_socket_timeout 1s"], /the nginx host has no directive wasm_socket_timeout \(its wasm_ directives: wasm_request_body_buffer_size, wasm_subrequest_buffer_size, wasm_body_filter_file_chunk_size, wasm_fuel_limit, wasm_timeslice_fuel, wasm_time_limit, /],
      [["--directive", "content_by_wasm wasm/other.wasm on_content"], /content_by_wasm is already written for --phase content/],
      [["--directive", "ssl_certificate_by_wasm wasm/other.wasm on_certificate"], /ssl_certificate_by_wasm is not allowed in a location block \(contexts: http, server\)/],
      [["--directive", "access_by_wasm wasm/other.wasm on_access", "--host", "ngx_wasm"], /the ngx_wasm host does not run phase access/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["install", wasm, "--tree", tree, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(tree)).toBe(false);
    }
    const ok = await runCli(["install", wasm, "--tree", tree, "--directive", "wasm_time_limit 50ms", "--directive", "wasm_fuel_limit 1000", "--directive", "log_by_wasm wasm/other.wasm on_log"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
  });

  it("--host ts (the in-process host reads no nginx configuration) is a usage error", async () => {
    const tree = join(tempDir(), "tree15");
    const r = await runCli(["install", await fixtureWasm("ok"), "--tree", tree, "--host", "ts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the ts host \(the in-process host\) reads no nginx configuration — install targets nginx or ngx_wasm/);
    expect(existsSync(tree)).toBe(false);
  });

  it("the balancer phase cannot be installed as a server snippet → usage error", async () => {
    const r = await runCli(["install", await fixtureWasm("ok"), "--tree", join(tempDir(), "tree6"), "--phase", "balancer"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/balancer_by_wasm belongs in an upstream \{\} block, .* by hand \(before keepalive; an example: nginx\/module\/README\.md, "Balancer"\)/);
  });

  it("never replaces what the user installed: a hand-written or other-source conf.d/<name>.conf, or a location another snippet serves", async () => {
    const tree = join(tempDir(), "tree-owned");
    const ok = await fixtureWasm("ok");
    const other = await fixtureWasm("phase-violation");
    // installed from this file: installing it again updates it
    expect((await runCli(["install", ok, "--tree", tree, "--name", "hello"])).code).toBe(0);
    expect((await runCli(["install", ok, "--tree", tree, "--name", "hello", "--directive", "add_header X-Again 1"])).code).toBe(0);
    expect(readFileSync(join(tree, "conf.d", "hello.conf"), "utf8")).toContain("add_header X-Again 1;");
    // another file under the same name: refused, nothing written
    const before = readFileSync(join(tree, "conf.d", "hello.conf"), "utf8");
    const byOther = await runCli(["install", other, "--tree", tree, "--name", "hello", "--phase", "rewrite", "--export", "on_log"]);
    expect(byOther.code).toBe(1);
    expect(byOther.stderr).toMatch(/conf\.d\/hello\.conf exists \(installed from .*ok\.wasm\) — pass --name to install beside it, or --force to replace it/);
    expect(readFileSync(join(tree, "conf.d", "hello.conf"), "utf8")).toBe(before);
    expect(readFileSync(join(tree, "wasm", "hello.wasm"))).toEqual(readFileSync(ok));
    // a snippet written by hand
    writeFileSync(join(tree, "conf.d", "mine.conf"), "location /mine { return 200 mine; }\n");
    const byHand = await runCli(["install", ok, "--tree", tree, "--name", "mine"]);
    expect(byHand.code).toBe(1);
    expect(byHand.stderr).toMatch(/conf\.d\/mine\.conf exists \(not written by ngxwasm install\)/);
    // --force replaces it
    expect((await runCli(["install", ok, "--tree", tree, "--name", "mine", "--force"])).code).toBe(0);
    expect(readFileSync(join(tree, "conf.d", "mine.conf"), "utf8")).toMatch(/^# mine: written by `ngxwasm install`/);
    // a location another snippet serves
    const taken = await runCli(["install", other, "--tree", tree, "--name", "second", "--location", "/hello", "--phase", "rewrite", "--export", "on_log"]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/conf\.d\/hello\.conf already serves location \/hello — pass another --location, or remove that file/);
    expect(existsSync(join(tree, "conf.d", "second.conf"))).toBe(false);
  });
});
