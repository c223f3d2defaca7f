import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { data, runHandler, str } from "./helpers.js";

describe("content responses", () => {
  it("resp_write sets the body, a later write replaces it; content-type defaults to text/plain", async () => {
    const r = await runHandler({
      items: data(0, "firstsecond"),
      body: `(drop (call $ngx_wasm_resp_write (i32.const 0) (i32.const 5)))
             (drop (call $ngx_wasm_resp_write (i32.const 5) (i32.const 6)))
             (i32.const 0)`,
    });
    expect(r).toMatchObject({ ok: true, status: 200, body: "second", headers: { "content-type": "text/plain" } });
    expect(r.bodyBytes).toEqual(new TextEncoder().encode("second"));
  });

  it("Content-Type set by the guest overrides the default; names are case-insensitive", async () => {
    const r = await runHandler({
      items: `${data(0, "CONTENT-type")}${data(20, "application/json")}${data(40, "{}")}${data(60, "content-type")}`,
      body: `(drop (call $ngx_wasm_resp_set_header ${str(0, "CONTENT-type")} ${str(20, "application/json")}))
             (drop (call $ngx_wasm_resp_write ${str(40, "{}")}))
             (drop (call $ngx_wasm_resp_set_status (i32.add (i32.const 200)
               (call $ngx_wasm_resp_get_header ${str(60, "content-type")} (i32.const 100) (i32.const 0)))))
             (i32.const 0)`,
    });
    // get_header returned the full length 16 → status 216
    expect(r).toMatchObject({ status: 216, body: "{}", headers: { "content-type": "application/json" } });
  });

  it("status: 0 until set, 100..999 accepted, anything else -2", async () => {
    const probe = (status: number) =>
      runHandler(`(local $before i32) (local.set $before (call $ngx_wasm_resp_get_status))
        (if (local.get $before) (then (return (i32.const 99))))
        (call $ngx_wasm_resp_set_status (i32.const ${status}))`);
    expect((await probe(99)).returnCode).toBe(-2);
    expect((await probe(1000)).returnCode).toBe(-2);
    const ok = await probe(418);
    expect(ok).toMatchObject({ ok: true, status: 418, body: "", headers: {} });
  });

  it("an empty header value removes the header; CR/LF or an empty name is refused", async () => {
    const r = await runHandler({
      items: `${data(0, "X-A")}${data(10, "1")}${data(20, "X-B")}${data(30, "2")}${data(40, "bad\\0avalue")}`,
      body: `(drop (call $ngx_wasm_resp_set_header ${str(0, "X-A")} ${str(10, "1")}))
             (drop (call $ngx_wasm_resp_set_header ${str(20, "X-B")} ${str(30, "2")}))
             (drop (call $ngx_wasm_resp_set_header ${str(0, "X-A")} (i32.const 10) (i32.const 0)))
             (if (i32.ne (call $ngx_wasm_resp_set_header ${str(20, "X-B")} (i32.const 40) (i32.const 9)) (i32.const -2))
               (then (return (i32.const 1))))
             (if (i32.ne (call $ngx_wasm_resp_set_header (i32.const 0) (i32.const 0) ${str(30, "2")}) (i32.const -2))
               (then (return (i32.const 2))))
             (if (i32.ne (call $ngx_wasm_resp_get_header ${str(0, "X-A")} (i32.const 0) (i32.const 0)) (i32.const -1))
               (then (return (i32.const 3))))
             (i32.const 0)`,
    });
    expect(r.returnCode).toBe(0);
    expect(r.headers).toEqual({ "x-b": "2" });
  });

  it("a content handler that sets nothing answers 200 with an empty body", async () => {
    expect(await runHandler("(i32.const 0)")).toMatchObject({ ok: true, status: 200, body: "", headers: {}, fellThrough: false });
  });
});

describe("rewrite and access: fall-through or short-circuit", () => {
  for (const phase of ["server_rewrite", "rewrite", "access"] as const) {
    it(`${phase}: changing only request headers falls through`, async () => {
      const r = await runHandler(
        {
          items: `${data(0, "X-User")}${data(10, "alice")}${data(20, "X-Resp")}`,
          body: `(drop (call $ngx_wasm_req_set_header ${str(0, "X-User")} ${str(10, "alice")}))
                 (drop (call $ngx_wasm_resp_set_header ${str(20, "X-Resp")} ${str(10, "alice")}))
                 (i32.const 0)`,
        },
        { phase },
      );
      expect(r).toMatchObject({ ok: true, fellThrough: true, status: 0, body: "" });
      expect(r.requestHeaders).toEqual({ "x-user": "alice" });
      // a header set on the way is kept for the final response
      expect(r.headers).toEqual({ "x-resp": "alice" });
    });

    it(`${phase}: setting a status short-circuits`, async () => {
      const r = await runHandler(`(drop (call $ngx_wasm_resp_set_status (i32.const 403))) (i32.const 0)`, { phase });
      expect(r).toMatchObject({ ok: true, fellThrough: false, status: 403, body: "", headers: {} });
    });

    it(`${phase}: writing a body short-circuits with 200`, async () => {
      const r = await runHandler({ items: data(0, "hi"), body: `(drop (call $ngx_wasm_resp_write ${str(0, "hi")})) (i32.const 0)` }, { phase });
      expect(r).toMatchObject({ fellThrough: false, status: 200, body: "hi", headers: { "content-type": "text/plain" } });
    });
  }

  it("a failing rewrite handler answers 500 and does not fall through", async () => {
    const r = await runHandler("(i32.const 1)", { phase: "rewrite" });
    expect(r).toMatchObject({ ok: false, fellThrough: false, status: 500 });
  });
});

describe("filters and log", () => {
  it("header_filter changes the upstream status and headers; the body passes", async () => {
    const r = await runHandler(
      {
        items: `${data(0, "server")}${data(10, "X-Filtered")}${data(30, "yes")}`,
        body: `(drop (call $ngx_wasm_resp_set_header ${str(0, "server")} (i32.const 0) (i32.const 0)))
               (drop (call $ngx_wasm_resp_set_header ${str(10, "X-Filtered")} ${str(30, "yes")}))
               (call $ngx_wasm_resp_set_status (i32.const 404))`,
      },
      { phase: "header_filter", response: { status: 200, headers: { Server: "up", "Content-Type": "text/html" }, chunks: ["a", "b"] } },
    );
    expect(r).toMatchObject({ ok: true, status: 404, body: "ab" });
    expect(r.headers).toEqual({ "content-type": "text/html", "x-filtered": "yes" });
  });

  it("a failure in header_filter turns the response into 500 (headers are not sent yet), as nginx does", async () => {
    const r = await runHandler("(unreachable)", { phase: "header_filter", response: { status: 201, headers: { "x-up": "1" } } });
    expect(r).toMatchObject({ ok: false, status: 500, headers: {} });
  });

  it("body_filter: response headers are already sent, so resp_set_header returns -2", async () => {
    const r = await runHandler(
      { items: `${data(0, "content-type")}`, body: `(call $ngx_wasm_resp_set_header ${str(0, "content-type")} ${str(0, "content-type")})` },
      { phase: "body_filter", response: { headers: { "content-type": "text/html" } } },
    );
    expect(r.returnCode).toBe(-2);
  });

  it("log: resp_get_status reads the final status (default 200)", async () => {
    const r = await runHandler("(call $ngx_wasm_resp_get_status)", { phase: "log", response: { status: 302 } });
    expect(r.returnCode).toBe(302);
    expect((await runHandler("(call $ngx_wasm_resp_get_status)", { phase: "log" })).returnCode).toBe(200);
  });
});

describe("ngx_wasm_log", () => {
  it("records level, level name and message; truncates at 1024 bytes", async () => {
    const long = "x".repeat(1500);
    const r = await runHandler({
      items: `${data(0, "hello")}${data(100, long)}`,
      body: `(drop (call $ngx_wasm_log (i32.const 4) ${str(0, "hello")}))
             (drop (call $ngx_wasm_log (i32.const 8) ${str(100, long)}))
             (i32.const 0)`,
    });
    expect(r.logs).toEqual([
      { level: 4, levelName: "ERR", message: "hello", source: "guest" },
      { level: 8, levelName: "DEBUG", message: "x".repeat(1024), source: "guest" },
    ]);
  });

  it("never interprets the message as a format string; bytes are kept as UTF-8 text", async () => {
    const r = await runHandler({ items: data(0, "%s %n %d \\e2\\82\\ac"), body: `(call $ngx_wasm_log (i32.const 6) (i32.const 0) (i32.const 12))` });
    expect(r.logs[0]!.message).toBe("%s %n %d €");
  });

  it("an unknown level or a negative length returns -2 and logs nothing", async () => {
    for (const args of ["(i32.const 9) (i32.const 0) (i32.const 1)", "(i32.const -1) (i32.const 0) (i32.const 1)", "(i32.const 4) (i32.const 0) (i32.const -1)"]) {
      const r = await runHandler(`(call $ngx_wasm_log ${args})`);
      expect(r.returnCode).toBe(-2);
      expect(r.logs).toEqual([]);
    }
  });

  it("keeps logs of a failing run", async () => {
    const host = new Host();
    const r = await runHandler({ items: data(0, "before"), body: `(drop (call $ngx_wasm_log (i32.const 4) ${str(0, "before")})) (unreachable)` }, {}, host);
    expect(r.logs.map((l) => l.message)).toEqual(["before"]);
  });
});
