// What `ngxwasm install` writes is served by real nginx with our module: the
// snippet is included inside a server block and `wasm/<name>.wasm` resolves
// against the prefix, as in the nginx/ tree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";
import { ensureCliBuilt, runCli } from "./cli.js";

let ngx: Nginx;

beforeAll(async () => {
  await ensureCliBuilt();
  ngx = await Nginx.create("cli-install");
});

afterAll(async () => {
  await ngx?.stop();
});

describe("ngxwasm install → nginx", () => {
  it("serves the installed guest at its location with the extra directives", async () => {
    const wasm = await buildGuest("test/fixtures/guests/ok");
    const r = await runCli(["install", wasm, "--tree", ngx.prefix, "--name", "hi", "--directive", "add_header X-Installed yes always"]);
    expect(r.code).toBe(0);
    await ngx.start(`server { listen ${ngx.listen()}; include conf.d/*.conf; }`);
    const res = await ngx.get("/hi");
    expect(res.status).toBe(200);
    expect(res.text).toBe("ok from the cli fixture\n");
    expect(res.headers["x-installed"]).toBe("yes");
    expect((await ngx.get("/elsewhere")).status).toBe(404);
  });
});
