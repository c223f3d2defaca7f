// The example guests in the real packaged nginx with the project's module
// (built by the harness when missing): the same .wasm files the in-process
// tests use. aggregate, which needs services to call, is served by nginx in
// test/e2e/subrequests.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { buildGuest } from "../support/guests.js";

describe("example guests in nginx", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("examples");
    const hello = ngx.addGuest("hello", await buildGuest("guests/hello"));
    const echo = ngx.addGuest("echo", await buildGuest("guests/echo"));
    const rewrite = ngx.addGuest("rewrite", await buildGuest("guests/rewrite"));
    const uppercase = ngx.addGuest("uppercase", await buildGuest("guests/uppercase"));
    const auth = ngx.addGuest("auth", await buildGuest("guests/auth"));
    const counter = ngx.addGuest("counter", await buildGuest("guests/counter"));
    ngx.addFile("html/static/hello.txt", "héllo wörld, straße ✓\n".repeat(100));
    ngx.addFile("html/static/logo.bin", "binary ünchanged");
    await ngx.start(`
    include /etc/nginx/mime.types;
    wasm_shm_zone examples 1m;
    server {
        listen ${ngx.listen()};
        location = /hello { content_by_wasm ${hello} on_content; }
        location /echo    { content_by_wasm ${echo} on_content; }
        location /        {
            rewrite_by_wasm ${rewrite} on_rewrite;
            return 200 "x-guest=$http_x_guest start=$http_x_request_start";
        }
        location /static/ {
            root html;
            charset utf-8;
            header_filter_by_wasm ${uppercase} on_header;
            body_filter_by_wasm   ${uppercase} on_body;
        }
        location = /private {
            access_by_wasm ${auth} on_access;
            alias html/static/logo.bin;
            add_header X-User $http_x_user always;
        }
        location = /auth/register { content_by_wasm ${auth} on_register; }
        location /counter/ { content_by_wasm ${counter} on_content; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("hello answers hello, world", async () => {
    const res = await ngx.get("/hello");
    expect(res.status).toBe(200);
    expect(res.text).toBe("hello, world\n");
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("echo describes the request as JSON", async () => {
    const res = await ngx.fetch("/echo/a?x=1&tag=a&tag=b%20c", {
      method: "POST",
      headers: { "X-Request-Id": "r-1", "Content-Type": "text/plain" },
      body: "payload ✓",
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    const json = JSON.parse(res.text);
    expect(json).toMatchObject({
      method: "POST",
      uri: "/echo/a",
      query: { x: "1", tag: ["a", "b c"] },
      body: "payload ✓",
      remoteAddress: "127.0.0.1",
    });
    expect(json.headers["x-request-id"]).toBe("r-1");
    expect(json.headers["content-type"]).toBe("text/plain");
  });

  it("rewrite stamps the request for the content handler", async () => {
    const res = await ngx.get("/anything");
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^x-guest=rewrite start=\d{13}$/);
  });

  it("rewrite redirects /old/... to /new/... with 301", async () => {
    const res = await ngx.get("/old/page.html?v=2");
    expect(res.status).toBe(301);
    expect(res.headers["location"]).toMatch(/\/new\/page\.html\?v=2$/);
  });

  it("uppercase filters text files and leaves binary ones alone", async () => {
    const res = await ngx.get("/static/hello.txt");
    expect(res.status).toBe(200);
    expect(res.text).toBe("héllo wörld, straße ✓\n".repeat(100).toUpperCase());
    expect(res.headers["content-length"]).toBeUndefined();
    const bin = await ngx.get("/static/logo.bin");
    expect(bin.text).toBe("binary ünchanged");
  });

  it("auth: 401 without a registered bearer token; a token registered through on_register lets the request through with X-User", async () => {
    const attempts: Record<string, string>[] = [{}, { Authorization: "Basic Zm9vOmJhcg==" }, { Authorization: "Bearer s3cret" }];
    for (const headers of attempts) {
      const res = await ngx.get("/private", headers);
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toBe("Bearer");
      expect(res.text).toBe("unauthorized\n");
    }
    const reg = await ngx.fetch("/auth/register?token=s3cret&user=alice", { method: "POST" });
    expect(reg.status).toBe(201);
    expect(reg.text).toBe("registered a token for alice\n");
    const res = await ngx.get("/private", { Authorization: "Bearer s3cret" });
    expect(res.status).toBe(200);
    expect(res.text).toBe("binary ünchanged");
    expect(res.headers["x-user"]).toBe("alice");
    expect((await ngx.get("/private", { Authorization: "Bearer other" })).status).toBe(401);
  });

  it("counter counts hits per path across requests in the shared zone and resets on DELETE", async () => {
    const hit = async (path: string, method = "GET") => JSON.parse((await ngx.fetch(path, { method })).text);
    expect(await hit("/counter/a")).toEqual({ path: "/counter/a", hits: 1 });
    expect(await hit("/counter/a")).toEqual({ path: "/counter/a", hits: 2 });
    expect(await hit("/counter/b")).toEqual({ path: "/counter/b", hits: 1 });
    expect(await hit("/counter/a", "DELETE")).toEqual({ path: "/counter/a", hits: 0 });
    expect(await hit("/counter/a")).toEqual({ path: "/counter/a", hits: 1 });
  });
});
