import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("sdk response", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-response"));
  });

  it("sets status and headers, and writes print/say/write output once, in order", async () => {
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(true);
    expect(r.status).toBe(201);
    expect(r.headers["x-r"]).toBe("1");
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.body).toBe("ab\ncdé\nstatus=201\nx-r=1\nlength=25\n");
  });

  it("grows the body buffer for large responses", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_big" });
    const expected = Array.from({ length: 10000 }, (_, i) => `line ${i}\n`).join("");
    expect(r.body.length).toBe(expected.length);
    expect(r.body).toBe(expected);
  });

  it("encodes text of every UTF-8 width, short and long, across the buffer's growth", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_text" });
    const utf8 = (t: string): Buffer => Buffer.from(t, "utf8");
    const expected = Buffer.concat([
      utf8("a".repeat(255) + "é€😀\n"),
      Buffer.from([0xed, 0xa0, 0x80]),
      utf8("€".repeat(1024) + "\n" + "😀".repeat(600) + "\n\n"),
    ]);
    expect(Buffer.from(r.bodyBytes).equals(expected)).toBe(true);
  });

  it("exit sets the status, replaces the body and ignores later output", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_exit" });
    expect(r.status).toBe(403);
    expect(r.body).toBe("forbidden\n");
    const keep = await host.run(guest, { phase: "content", export: "on_exit_keep_body" });
    expect(keep.status).toBe(404);
    expect(keep.body).toBe("kept\n");
  });

  it("redirect sets Location and the status, and stops the rewrite phase", async () => {
    const r = await host.run(guest, { phase: "rewrite", export: "on_redirect" });
    expect(r.ok).toBe(true);
    expect(r.fellThrough).toBe(false);
    expect(r.status).toBe(301);
    expect(r.headers["location"]).toBe("/new/place?x=1");
    const d = await host.run(guest, { phase: "rewrite", export: "on_redirect_default" });
    expect(d.status).toBe(302);
    expect(d.headers["location"]).toBe("https://example.test/");
  });

  it("a rewrite handler that only sets a header falls through", async () => {
    const r = await host.run(guest, { phase: "rewrite", export: "on_fallthrough" });
    expect(r.ok).toBe(true);
    expect(r.fellThrough).toBe(true);
  });

  it("builds JSON with correct escaping and the JSON content type", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_json" });
    expect(r.headers["content-type"]).toBe("application/json");
    const [json, empty] = r.body.split("\n");
    expect(JSON.parse(json!)).toEqual({
      quote: 'a"b\\c',
      control: "line1\nline2\ttab\r\u0001\u001f",
      unicode: "é ✓ 😀",
      absent: null,
      big: 9007199254740991,
      pi: 3.5,
      nan: null,
      yes: true,
      nothing: null,
      list: ["x", -7, false, null],
    });
    expect(empty).toBe('""');
  });

  it("clearBody drops earlier output", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_clear" });
    expect(r.body).toBe("second");
  });

  it("flush writes the body for handlers written without handle()", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_manual_flush" });
    expect(r.ok).toBe(true);
    expect(r.body).toBe("manual");
  });

  it("changes status and headers in the header filter", async () => {
    const r = await host.run(guest, {
      phase: "header_filter",
      response: { status: 200, headers: { "X-Upstream": "u", "X-Other": "o" } },
    });
    expect(r.ok).toBe(true);
    expect(r.status).toBe(299);
    expect(r.headers["x-filtered"]).toBe("1");
    expect(r.headers["x-other"]).toBe("o");
    expect(r.headers).not.toHaveProperty("x-upstream");
  });
});
