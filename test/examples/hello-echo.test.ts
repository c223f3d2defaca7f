import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("guests/hello", () => {
  it("answers hello, world as text/plain", async () => {
    const host = new Host();
    const guest = await host.load(await buildGuest("guests/hello"));
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(true);
    expect(r.status).toBe(200);
    expect(r.body).toBe("hello, world\n");
  });
});

describe("guests/echo", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("guests/echo"));
  });

  it("describes the request as JSON", async () => {
    const r = await host.run(guest, {
      phase: "content",
      request: {
        method: "POST",
        uri: "/echo/x",
        args: "a=1&tag=x&tag=y%20z&name=%C3%A9%22q",
        headers: { Host: "api.test", "User-Agent": "vitest", "X-Request-Id": "42", "X-Secret": "not echoed" },
        body: '{"k":"v"}',
        remoteAddr: "192.0.2.1",
      },
    });
    expect(r.ok).toBe(true);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({
      method: "POST",
      uri: "/echo/x",
      args: "a=1&tag=x&tag=y%20z&name=%C3%A9%22q",
      query: { a: "1", tag: ["x", "y z"], name: 'é"q' },
      headers: { host: "api.test", "user-agent": "vitest", "x-request-id": "42" },
      body: '{"k":"v"}',
      remoteAddress: "192.0.2.1",
    });
  });

  it("uses null for a request without a body and {} without a query", async () => {
    const r = await host.run(guest, { phase: "content", request: { uri: "/" } });
    const json = JSON.parse(r.body);
    expect(json.body).toBeNull();
    expect(json.query).toEqual({});
    expect(json.method).toBe("GET");
  });
});
