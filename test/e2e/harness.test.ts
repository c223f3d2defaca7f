// The nginx test harness itself, on plain nginx (no module): start, requests,
// -t failures, reload, stop. Every other e2e suite builds on it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";

describe("nginx test harness (plain nginx)", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("harness", { module: false, ports: 2 });
    await ngx.start(`
      server {
        listen ${ngx.listen(1)};
        location / { return 200 "upstream $request_uri"; }
      }
      server {
        listen ${ngx.listen()};
        location = /plain { return 200 "plain"; }
        location /up/ { proxy_pass http://${ngx.listen(1)}/; }
      }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("serves requests on the reserved port, including a proxied one", async () => {
    const plain = await ngx.get("/plain");
    expect(plain.status).toBe(200);
    expect(plain.text).toBe("plain");
    const proxied = await ngx.get("/up/x?y=1");
    expect(proxied.text).toBe("upstream /x?y=1");
  });

  it("reports a bad configuration through nginx -t without touching the running server", async () => {
    const good = ngx.renderConfig("");
    expect(good).toContain("daemon off;");
    ngx.configure(`server { listen ${ngx.listen()}; location / { no_such_directive on; } }`);
    const t = await ngx.test();
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/unknown directive "no_such_directive"/);
    expect((await ngx.get("/plain")).status).toBe(200);
  });

  it("reloads into a new configuration with new workers", async () => {
    const before = ngx.workerPids();
    expect(before.length).toBe(1);
    const r = await ngx.reload(`server { listen ${ngx.listen()}; location / { return 201 "reloaded"; } }`);
    expect(r.ok, r.output).toBe(true);
    expect(ngx.workerPids()).not.toEqual(before);
    const res = await ngx.get("/anything");
    expect(res.status).toBe(201);
    expect(res.text).toBe("reloaded");
  });

  it("keeps serving the old configuration when a reload is rejected", async () => {
    const r = await ngx.reload(`server { listen ${ngx.listen()}; location / { return 999x; } }`);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/\[emerg\]/);
    expect((await ngx.get("/still")).status).toBe(201);
  });

  it("stops master and workers", async () => {
    const workers = ngx.workerPids();
    await ngx.stop();
    expect(ngx.running).toBe(false);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    await expect(ngx.get("/plain")).rejects.toThrow();
  });
});
