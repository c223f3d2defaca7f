import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("guests/rewrite", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host({ clock: "manual" });
    guest = await host.load(await buildGuest("guests/rewrite"));
  });

  it("stamps the request and falls through for ordinary paths", async () => {
    const r = await host.run(guest, { phase: "rewrite", request: { uri: "/api/items", args: "x=1" } });
    expect(r.ok).toBe(true);
    expect(r.fellThrough).toBe(true);
    expect(r.requestHeaders["x-guest"]).toBe("rewrite");
    expect(r.requestHeaders["x-request-start"]).toBe(String(host.clock.unixMs()));
  });

  it("redirects /old/... to /new/... with 301, keeping the query string", async () => {
    const r = await host.run(guest, { phase: "rewrite", request: { uri: "/old/docs/a.html", args: "v=2&w=3" } });
    expect(r.ok).toBe(true);
    expect(r.fellThrough).toBe(false);
    expect(r.status).toBe(301);
    expect(r.headers["location"]).toBe("/new/docs/a.html?v=2&w=3");
    const bare = await host.run(guest, { phase: "rewrite", request: { uri: "/old/" } });
    expect(bare.headers["location"]).toBe("/new/");
  });

  it("does not redirect look-alike paths", async () => {
    const r = await host.run(guest, { phase: "rewrite", request: { uri: "/older/x" } });
    expect(r.fellThrough).toBe(true);
  });
});
