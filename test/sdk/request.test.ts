import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { BODY_TOO_LARGE_LINES } from "./expected.js";
import { lines } from "./lines.js";

describe("sdk request", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-request"));
  });

  it("reads headers case-insensitively, null when absent, and retries for values longer than the scratch buffer", async () => {
    const r = await host.run(guest, {
      phase: "content",
      request: { headers: { "X-A": "1", "X-Long": "L".repeat(4999) + "!", "X-Utf8": "ünï ✓" } },
    });
    expect(r.ok).toBe(true);
    expect(lines(r.body)).toEqual({
      "x-a": '"1"',
      "x-a-lower": '"1"',
      missing: "null",
      "x-long-length": "5000",
      "x-long-ok": "yes",
      utf8: '"ünï ✓"',
    });
  });

  it("reads the body as bytes and text; null when no body was read", async () => {
    const big = "é".repeat(3000); // 6000 bytes: past the scratch buffer
    const withBody = await host.run(guest, { phase: "content", export: "on_body_read", request: { method: "POST", body: big } });
    expect(lines(withBody.body)).toEqual({ bytes: "6000", text: `"${big}"` });
    const withoutBody = await host.run(guest, { phase: "content", export: "on_body_read" });
    expect(lines(withoutBody.body)).toEqual({ bytes: "null", text: "null" });
  });

  it("a body over requestBodyBufferSize (wasm_request_body_buffer_size) is answered 413 before the guest runs, the log naming the directive and the limit", async () => {
    const r = await host.run(guest, {
      phase: "content",
      export: "on_body_read",
      requestBodyBufferSize: 1024,
      request: { method: "POST", body: "x".repeat(4096) },
    });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(413);
    expect(r.invocations).toBe(0);
    const log = r.logs.map((l) => l.message).join("\n");
    for (const line of BODY_TOO_LARGE_LINES) expect(log).toContain(line);
  });

  it("exposes the request line and decodes query parameters", async () => {
    const r = await host.run(guest, {
      phase: "content",
      export: "on_line",
      request: {
        method: "PUT",
        uri: "/p/q",
        args: "a=1&b=x%20y+z&%C3%A9=%E2%9C%93&flag&&a=2&bad=%zz%",
        headers: { Host: "example.test" },
        remoteAddr: "10.1.2.3",
        scheme: "https",
      },
    });
    expect(r.ok).toBe(true);
    expect(lines(r.body)).toMatchObject({
      method: "PUT",
      uri: "/p/q",
      args: "a=1&b=x%20y+z&%C3%A9=%E2%9C%93&flag&&a=2&bad=%zz%",
      a: '"1"',
      b: '"x y z"',
      e: '"✓"',
      flag: '""',
      missing: "null",
      remote: "10.1.2.3",
      host: "example.test",
      scheme: "https",
      params: "[a|1][b|x y z][é|✓][flag|][a|2][bad|%zz%]",
    });
    expect(lines(r.body).request_uri).toContain("/p/q");
  });

  it("sets and removes request headers in rewrite and falls through", async () => {
    const r = await host.run(guest, {
      phase: "rewrite",
      request: { headers: { "X-Replaced": "old", "X-Removed": "gone", "X-Kept": "k" } },
    });
    expect(r.ok).toBe(true);
    expect(r.fellThrough).toBe(true);
    expect(r.requestHeaders["x-added"]).toBe("yes");
    expect(r.requestHeaders["x-replaced"]).toBe("new");
    expect(r.requestHeaders["x-kept"]).toBe("k");
    expect(r.requestHeaders).not.toHaveProperty("x-removed");
  });
});
