import { describe, expect, it } from "vitest";
import type { RunOptions } from "../../host/index.js";
import { data, readVar, runHandler, str } from "./helpers.js";

describe("request headers", () => {
  const headers: [string, string][] = [["Accept", "text/html"], ["X-Multi", "one"], ["x-multi", "two"]];

  it("are matched case-insensitively; a repeated header reads its first value; a missing one is -1", async () => {
    const get = (name: string) =>
      runHandler(
        {
          items: data(0, name),
          body: `(local $n i32) (local.set $n (call $ngx_wasm_req_get_header ${str(0, name)} (i32.const 100) (i32.const 100)))
                 (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (local.get $n))))
                 (drop (call $ngx_wasm_resp_write (i32.const 100) (local.get $n))) (i32.const 0)`,
        },
        { request: { headers } },
      );
    expect((await get("ACCEPT")).body).toBe("text/html");
    expect((await get("X-MULTI")).body).toBe("one");
    expect((await get("x-missing")).returnCode).toBe(-1);
  });

  it("req_set_header replaces every value of that name; an empty value removes it", async () => {
    const r = await runHandler(
      {
        items: `${data(0, "X-MULTI")}${data(10, "three")}${data(20, "accept")}${data(30, "X-New")}`,
        body: `(drop (call $ngx_wasm_req_set_header ${str(0, "X-MULTI")} ${str(10, "three")}))
               (drop (call $ngx_wasm_req_set_header ${str(20, "accept")} (i32.const 0) (i32.const 0)))
               (drop (call $ngx_wasm_req_set_header ${str(30, "X-New")} ${str(10, "three")}))
               (i32.const 0)`,
      },
      { phase: "rewrite", request: { headers } },
    );
    expect(r.requestHeaders).toEqual({ "x-multi": "three", "x-new": "three" });
  });

  it("req_set_header refuses an empty name and CR/LF with -2", async () => {
    // WAT escapes like \0d are one byte each, so the lengths count each escape as 1
    for (const [name, value] of [["", "v"], ["X-A", "a\\0d\\0ab"], ["X\\0aB", "v"]]) {
      const r = await runHandler(
        { items: `${data(0, name)}${data(20, value)}`, body: `(call $ngx_wasm_req_set_header (i32.const 0) (i32.const ${name.replace(/\\0./g, "x").length}) (i32.const 20) (i32.const ${value.replace(/\\0./g, "x").length}))` },
        { phase: "rewrite" },
      );
      expect(r.returnCode, JSON.stringify([name, value])).toBe(-2);
      expect(r.requestHeaders).toEqual({});
    }
  });

  it("a changed header is what $http_<name> reads afterwards", async () => {
    const r = await runHandler(
      {
        items: `${data(0, "X-Trace")}${data(10, "abc")}${data(20, "http_x_trace")}`,
        body: `(drop (call $ngx_wasm_req_set_header ${str(0, "X-Trace")} ${str(10, "abc")}))
               (drop (call $ngx_wasm_resp_write (i32.const 100)
                 (call $ngx_wasm_var_get ${str(20, "http_x_trace")} (i32.const 100) (i32.const 50))))
               (i32.const 0)`,
      },
    );
    expect(r.body).toBe("abc");
  });
});

describe("request body", () => {
  const readBody = `(local $n i32) (local.set $n (call $ngx_wasm_req_get_body (i32.const 100) (i32.const 3)))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (local.get $n))))
    (drop (call $ngx_wasm_resp_set_status (i32.add (i32.const 200) (local.get $n))))
    (drop (call $ngx_wasm_resp_write (i32.const 100) (i32.const 3))) (i32.const 0)`;

  it("absent → -1 (no body was read)", async () => {
    expect((await runHandler(readBody)).returnCode).toBe(-1);
  });

  it("returns the full length, copies what fits, byte-exact", async () => {
    const r = await runHandler(readBody, { request: { method: "POST", body: new Uint8Array([0xff, 0, 0x80, 1, 2]) } });
    expect(r.status).toBe(205);
    expect([...r.bodyBytes]).toEqual([0xff, 0, 0x80]);
  });

  it("an empty body is a body (length 0), not -1", async () => {
    expect((await runHandler(readBody, { request: { body: "" } })).status).toBe(200);
  });
});

describe("variables", () => {
  const request: RunOptions["request"] = {
    method: "POST",
    uri: "/items/42",
    args: "Page=2&sort=desc&flag",
    headers: { Host: "Example.COM:8080", "X-Forwarded-For": "10.0.0.1", "Content-Length": "5", "Content-Type": "text/plain", Cookie: "sid=abc; theme=dark" },
    body: "hello",
    remoteAddr: "192.0.2.7",
    scheme: "https",
    serverName: "api.local",
    variables: { Backend: "pool-a" },
  };
  const expected: Record<string, string | number> = {
    request_method: "POST",
    uri: "/items/42",
    document_uri: "/items/42",
    args: "Page=2&sort=desc&flag",
    query_string: "Page=2&sort=desc&flag",
    is_args: "?",
    arg_page: "2",
    ARG_SORT: "desc",
    arg_flag: -1,
    arg_missing: -1,
    request_uri: "/items/42?Page=2&sort=desc&flag",
    request: "POST /items/42?Page=2&sort=desc&flag HTTP/1.1",
    remote_addr: "192.0.2.7",
    host: "example.com",
    http_x_forwarded_for: "10.0.0.1",
    http_missing: -1,
    cookie_theme: "dark",
    scheme: "https",
    https: "on",
    server_name: "api.local",
    content_length: "5",
    content_type: "text/plain",
    request_body: "hello",
    status: "000",
    backend: "pool-a",
    no_such_variable: -1,
  };
  for (const [name, value] of Object.entries(expected)) {
    it(`$${name}`, async () => {
      expect(await readVar(name, { request })).toBe(value);
    });
  }

  it("$host falls back to the server name; $status follows the response in log", async () => {
    expect(await readVar("host", { request: { serverName: "fallback" } })).toBe("fallback");
    expect(await readVar("status", { phase: "log", response: { status: 404 } })).toBe("404");
  });

  it("uri with a query string and no args splits into $uri and $args", async () => {
    expect(await readVar("args", { request: { uri: "/a?x=1" } })).toBe("x=1");
    expect(await readVar("uri", { request: { uri: "/a?x=1" } })).toBe("/a");
  });

  const setVar = (name: string, value: string, options: Partial<RunOptions> = {}) =>
    runHandler(
      {
        items: `${data(0, name)}${data(100, value)}${data(200, "arg_b")}`,
        body: `(local $rc i32) (local.set $rc (call $ngx_wasm_var_set ${str(0, name)} ${str(100, value)}))
               (if (local.get $rc) (then (return (local.get $rc))))
               (drop (call $ngx_wasm_resp_write (i32.const 300) (call $ngx_wasm_var_get ${str(200, "arg_b")} (i32.const 300) (i32.const 50))))
               (i32.const 0)`,
      },
      { phase: "rewrite", request: { uri: "/p", args: "a=1", variables: { target: "x" } }, ...options },
    );

  it("var_set: user variables change (names case-insensitive) and come back in the result", async () => {
    const r = await setVar("TARGET", "y");
    expect(r.returnCode).toBe(0);
    expect(r.variables).toEqual({ target: "y" });
  });

  it("var_set: $args is changeable and changes the args ($arg_*), not $request_uri", async () => {
    const r = await setVar("args", "b=2");
    expect(r).toMatchObject({ returnCode: 0, body: "2", request: { uri: "/p", args: "b=2" } });
  });

  it("var_set: unknown → -1; built-ins nginx does not let change → -2", async () => {
    expect((await setVar("nope", "v")).returnCode).toBe(-1);
    for (const name of ["request_method", "uri", "request_uri", "remote_addr", "http_host", "arg_a"]) {
      expect((await setVar(name, "v")).returnCode, name).toBe(-2);
    }
  });

  it("a user variable may not shadow a built-in", async () => {
    await expect(runHandler("(i32.const 0)", { request: { variables: { URI: "x" } } })).rejects.toThrow(/"URI" is an nginx built-in variable/);
  });
});
