import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("guests/auth", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    host.shm.set("token:s3cret", "alice");
    guest = await host.load(await buildGuest("guests/auth"));
  });

  it("rejects requests without a bearer token with 401", async () => {
    const cases: Record<string, string>[] = [{}, { Authorization: "Basic Zm9vOmJhcg==" }, { Authorization: "Bearer " }];
    for (const headers of cases) {
      const r = await host.run(guest, { phase: "access", request: { headers } });
      expect(r.ok).toBe(true);
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toBe("Bearer");
      expect(r.body).toBe("unauthorized\n");
      expect(r.fellThrough).toBe(false);
    }
  });

  it("rejects unknown tokens", async () => {
    const r = await host.run(guest, { phase: "access", request: { headers: { Authorization: "Bearer nope" } } });
    expect(r.status).toBe(401);
  });

  it("lets valid tokens through with X-User set", async () => {
    const r = await host.run(guest, { phase: "access", request: { headers: { Authorization: "Bearer s3cret" } } });
    expect(r.ok).toBe(true);
    expect(r.fellThrough).toBe(true);
    expect(r.requestHeaders["x-user"]).toBe("alice");
  });

  it("on_register stores a token (POST ?token=…&user=…), which on_access then accepts", async () => {
    const register = (method: string, uri: string) => host.run(guest, { phase: "content", export: "on_register", request: { method, uri } });
    const ok = await register("POST", "/auth/register?token=t%C3%B8ken&user=bob");
    expect(ok.ok).toBe(true);
    expect(ok.status).toBe(201);
    expect(ok.body).toBe("registered a token for bob\n");
    expect(host.shm.get("token:tøken")).toBe("bob");
    const r = await host.run(guest, { phase: "access", request: { headers: { Authorization: "Bearer tøken" } } });
    expect(r.requestHeaders["x-user"]).toBe("bob");
    expect((await register("GET", "/auth/register?token=a&user=b")).status).toBe(405);
    expect((await register("POST", "/auth/register?token=a")).status).toBe(400);
    expect((await register("POST", `/auth/register?token=${"x".repeat(201)}&user=b`)).status).toBe(400);
  });
});

describe("guests/counter", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("guests/counter"));
  });

  it("counts hits per path across requests and resets on DELETE", async () => {
    const hit = async (uri: string, method = "GET") =>
      JSON.parse((await host.run(guest, { phase: "content", request: { uri, method } })).body);
    expect(await hit("/counter/a")).toEqual({ path: "/counter/a", hits: 1 });
    expect(await hit("/counter/a")).toEqual({ path: "/counter/a", hits: 2 });
    expect(await hit("/counter/b")).toEqual({ path: "/counter/b", hits: 1 });
    expect(host.shm.get("hits:/counter/a")).toBe("2");
    expect(await hit("/counter/a", "DELETE")).toEqual({ path: "/counter/a", hits: 0 });
    expect(await hit("/counter/a")).toEqual({ path: "/counter/a", hits: 1 });
  });
});
