// The SDK test guests against the real host (packaged nginx + the project's
// module), for the ABI areas that module implements: request, response,
// variables, time, log, body filter. Same guests and expectations as the
// in-process suites, so both hosts are held to the SDK's contract.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { buildGuest } from "../support/guests.js";
import { BODY_TOO_LARGE_LINES, VARIABLES_LINES, VARIABLES_REQUEST } from "./expected.js";
import { lines } from "./lines.js";

describe("SDK guests in nginx", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("sdk");
    const request = ngx.addGuest("sdk-request", await buildGuest("test/guests/sdk-request"));
    const response = ngx.addGuest("sdk-response", await buildGuest("test/guests/sdk-response"));
    const variables = ngx.addGuest("sdk-variables", await buildGuest("test/guests/sdk-variables"));
    const time = ngx.addGuest("sdk-time", await buildGuest("test/guests/sdk-time"));
    const log = ngx.addGuest("sdk-log", await buildGuest("test/guests/sdk-log"));
    const filter = ngx.addGuest("sdk-body-filter", await buildGuest("test/guests/sdk-body-filter"));
    ngx.addFile("html/f/data.txt", "abc");
    await ngx.start(`
    large_client_header_buffers 4 16k;
    server {
        listen ${ngx.listen()};
        location = /headers  { content_by_wasm ${request} on_content; }
        location = /body     { content_by_wasm ${request} on_body_read; }
        location = /body-1k  { wasm_request_body_buffer_size 1k; content_by_wasm ${request} on_body_read; }
        location /line       { content_by_wasm ${request} on_line; }
        location = /rewrite  { rewrite_by_wasm ${request} on_rewrite; return 200 "added=$http_x_added replaced=$http_x_replaced removed=$http_x_removed"; }
        location = /response { content_by_wasm ${response} on_content; }
        location = /big      { content_by_wasm ${response} on_big; }
        location = /exit     { content_by_wasm ${response} on_exit; }
        location = /json     { content_by_wasm ${response} on_json; }
        location = /redirect { rewrite_by_wasm ${response} on_redirect; return 200 "not redirected"; }
        location = /vars     {
            set $v "1";
            set $e "";
            set $part "${"v".repeat(1500)}";
            set $long "$part$part$part$part";
            content_by_wasm ${variables} on_content;
        }
        location = /readonly { content_by_wasm ${variables} on_set_readonly; }
        location = /time     { content_by_wasm ${time} on_content; }
        location = /log      { content_by_wasm ${log} on_content; }
        location /f/         { root html; body_filter_by_wasm ${filter} on_body; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("request headers, including one longer than the SDK's scratch buffer", async () => {
    const res = await ngx.get("/headers", { "X-A": "1", "X-Long": "L".repeat(4999) + "!", "X-Utf8": "plain" });
    expect(lines(res.text)).toEqual({
      "x-a": '"1"',
      "x-a-lower": '"1"',
      missing: "null",
      "x-long-length": "5000",
      "x-long-ok": "yes",
      utf8: '"plain"',
    });
  });

  it("request body longer than the scratch buffer", async () => {
    const big = "é".repeat(3000);
    const res = await ngx.fetch("/body", { method: "POST", body: big });
    expect(lines(res.text)).toEqual({ bytes: "6000", text: `"${big}"` });
  });

  it("a body over wasm_request_body_buffer_size: 413 before the guest runs, the log names the directive and this location's limit", async () => {
    const mark = ngx.logSize();
    const res = await ngx.fetch("/body-1k", { method: "POST", body: "x".repeat(4096) });
    expect(res.status).toBe(413);
    const log = ngx.errorLogSince(mark);
    for (const line of BODY_TOO_LARGE_LINES) expect(log).toContain(line);
  });

  it("request line and query parameters", async () => {
    const res = await ngx.get("/line/x?a=1&b=x%20y+z&%C3%A9=%E2%9C%93&flag");
    expect(lines(res.text)).toMatchObject({
      method: "GET",
      uri: "/line/x",
      request_uri: "/line/x?a=1&b=x%20y+z&%C3%A9=%E2%9C%93&flag",
      a: '"1"',
      b: '"x y z"',
      e: '"✓"',
      flag: '""',
      missing: "null",
      remote: "127.0.0.1",
      scheme: "http",
    });
  });

  it("request header changes in rewrite reach the content handler", async () => {
    const res = await ngx.get("/rewrite", { "X-Replaced": "old", "X-Removed": "gone" });
    expect(res.text).toBe("added=yes replaced=new removed=");
  });

  it("response status, headers and accumulated body", async () => {
    const res = await ngx.get("/response");
    expect(res.status).toBe(201);
    expect(res.headers["x-r"]).toBe("1");
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.text).toBe("ab\ncdé\nstatus=201\nx-r=1\nlength=25\n");
    const big = await ngx.get("/big");
    expect(big.text).toBe(Array.from({ length: 10000 }, (_, i) => `line ${i}\n`).join(""));
  });

  it("exit, redirect and JSON", async () => {
    const exit = await ngx.get("/exit");
    expect(exit.status).toBe(403);
    expect(exit.text).toBe("forbidden\n");
    const redirect = await ngx.get("/redirect");
    expect(redirect.status).toBe(301);
    expect(redirect.headers["location"]).toMatch(/\/new\/place\?x=1$/);
    const json = await ngx.get("/json");
    expect(json.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(json.text.split("\n")[0]!).quote).toBe('a"b\\c');
  });

  it("variables: get (long values too), set, unknown, read-only", async () => {
    const res = await ngx.get(VARIABLES_REQUEST.uri, VARIABLES_REQUEST.headers);
    expect(lines(res.text)).toEqual(VARIABLES_LINES);
    const mark = ngx.logSize();
    const ro = await ngx.get("/readonly");
    expect(ro.status).toBe(500);
    await ngx.waitForLog(/ngxwasm: Variables\.set\("remote_addr"\): the variable cannot be changed/, mark);
  });

  it("time", async () => {
    const before = Date.now();
    const v = lines((await ngx.get("/time")).text);
    expect(Math.abs(Number(v.unix) - before)).toBeLessThan(5000);
    expect(Number(v.mono)).toBeGreaterThan(0);
  });

  it("log lines reach the error log", async () => {
    const mark = ngx.logSize();
    await ngx.get("/log");
    await ngx.waitForLog(/\[warn\].*level warn/, mark);
    await ngx.waitForLog(/\[error\].*utf-8 ünïcödé ✓/, mark);
  });

  it("body filter replaces chunks and flags the last one", async () => {
    const res = await ngx.get("/f/data.txt");
    expect(res.text).toMatch(/^<1:ABC(:last)?>/);
    expect(res.text).toContain(":last>");
  });
});
