// The committed test tree (nginx/nginx.conf, what `make start` serves) is a
// valid configuration for the packaged nginx with our module and the snippets
// `ngxwasm install` writes into conf.d/. Checked with nginx -t on a copy, so
// the developer's own nginx/ tree and a running `make start` are untouched.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { MODULE_SO, Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

describe("nginx/ test tree", () => {
  let ngx: Nginx;
  const tree = join(projectRoot(), "nginx");
  const conf = readFileSync(join(tree, "nginx.conf"), "utf8");

  beforeAll(async () => {
    ngx = await Nginx.create("tree");
    cpSync(join(tree, "html"), join(ngx.prefix, "html"), { recursive: true });
    for (const d of ["run/tmp", "conf.d"]) ngx.addFile(`${d}/.keep`, "");
    ngx.addGuest("probe", await watGuest("probe"));
  });

  it("loads the module relative to the prefix, so the file works in any clone", () => {
    expect(conf).toMatch(/^load_module \.\.\/build\/module\/ngx_http_wasm_module\.so;$/m);
    expect(conf).toMatch(/listen 127\.0\.0\.1:18080;/);
    expect(conf).toMatch(/include conf\.d\/\*\.conf;/);
  });

  it("passes nginx -t with install-style snippets for a content and a filter guest", async () => {
    // the copy lives elsewhere, so only the module path changes
    ngx.addFile("nginx.conf", conf.replace(/^load_module .*$/m, `load_module ${MODULE_SO};`));
    ngx.addFile("conf.d/probe.conf", "location /probe {\n    content_by_wasm wasm/probe.wasm on_content;\n}\n");
    ngx.addFile(
      "conf.d/shout.conf",
      "location /shout {\n    body_filter_by_wasm wasm/probe.wasm on_body;\n    alias html/static/sample.txt;\n}\n",
    );
    const t = await ngx.test();
    expect(t.output).toMatch(/test is successful/);
    expect(t.ok).toBe(true);
  });

  it("nginx -t names a broken snippet", async () => {
    ngx.addFile("conf.d/broken.conf", "location /broken {\n    content_by_wasm wasm/absent.wasm on_content;\n}\n");
    const t = await ngx.test();
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/absent\.wasm.*conf\.d\/broken\.conf:2/);
  });
});
