// Request bodies reach the guest whole: small ones, and ones far larger than
// nginx's client_body_buffer_size, up to wasm_request_body_buffer_size.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

describe("request body in nginx", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("request-body");
    const probe = ngx.addGuest("probe", await watGuest("probe"));
    await ngx.start(`
    client_max_body_size 10m;
    wasm_request_body_buffer_size 1m;   # inherited by /echo

    server {
        listen ${ngx.listen()};
        client_body_buffer_size 16k;
        location = /echo       { content_by_wasm ${probe} on_echo_body; }
        location = /echo-small { wasm_request_body_buffer_size 1k; content_by_wasm ${probe} on_echo_body; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("echoes a small body", async () => {
    const res = await ngx.fetch("/echo", { method: "POST", body: "hello body" });
    expect(res.status).toBe(200);
    expect(res.text).toBe("hello body");
    expect(res.headers["x-body-length"]).toBe("10");
  });

  it("echoes a 200 KiB binary body, larger than one client body buffer, byte for byte", async () => {
    const body = randomBytes(200 * 1024);
    const res = await ngx.fetch("/echo", { method: "POST", body, headers: { "Content-Type": "application/octet-stream" } });
    expect(res.status).toBe(200);
    expect(res.headers["x-body-length"]).toBe(String(body.length));
    expect(res.body.equals(body)).toBe(true);
  });

  it("echoes a chunked (no Content-Length) body", async () => {
    const body = Buffer.from("x".repeat(50_000));
    const res = await ngx.fetch("/echo", { method: "POST", body, headers: { "Transfer-Encoding": "chunked" } });
    expect(res.status).toBe(200);
    expect(res.body.equals(body)).toBe(true);
  });

  it("a body over the location's wasm_request_body_buffer_size is answered 413 before the guest runs", async () => {
    // nginx answers 413 before the guest runs (the reference host's behaviour), for a Content-Length body and a chunked one
    const mark = ngx.logSize();
    const res = await ngx.fetch("/echo-small", { method: "POST", body: "y".repeat(4096) });
    expect(res.status).toBe(413);
    expect(res.text).toContain("413 Request Entity Too Large");
    const chunked = await ngx.fetch("/echo-small", { method: "POST", body: "z".repeat(4096), headers: { "Transfer-Encoding": "chunked" } });
    expect(chunked.status).toBe(413);
    const lines = ngx.errorLogSince(mark).split("\n").filter((l) => l.includes("wasm_request_body_buffer_size (1024 bytes in this location): 413 before guest"));
    expect(lines).toHaveLength(2);
    const ok = await ngx.fetch("/echo-small", { method: "POST", body: "fits" });
    expect(ok.text).toBe("fits");
  });
});
