import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("sdk balancer", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-balancer"));
  });

  it("chooses the peer by index", async () => {
    const r = await host.run(guest, { phase: "balancer", upstream: { peers: 3 }, request: { headers: { "X-Peer": "2" } } });
    expect(r.ok).toBe(true);
    expect(r.peer).toBe(2);
  });

  it("an index outside the upstream aborts with a message", async () => {
    const r = await host.run(guest, { phase: "balancer", upstream: { peers: 3 }, request: { headers: { "X-Peer": "3" } } });
    expect(r.ok).toBe(false);
    expect(r.logs.map((l) => l.message).join("\n")).toContain("ngxwasm: Balancer.setPeer(3): no such server: the upstream block has 3 (indexes start at 0)");
  });

  it("tryNumber() and peers() read $wasm_balancer_try and $wasm_balancer_peers", async () => {
    const r = await host.run(guest, { phase: "balancer", upstream: { peers: 3, try: 2 }, request: { headers: { "X-Peer": "try" } } });
    expect(r.ok).toBe(true);
    expect(r.logs.map((l) => l.message)).toContain("try 2 of 3 peers");
    expect(r.peer).toBe(1);
  });
});

describe("sdk ssl", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-ssl"));
  });

  it("reads the SNI and rejects the handshake with the chosen alert", async () => {
    const ok = await host.run(guest, { phase: "ssl_client_hello", ssl: { serverName: "a.test" } });
    expect(ok.ok).toBe(true);
    expect(ok.sslRejectAlert).toBeUndefined();
    const other = await host.run(guest, { phase: "ssl_client_hello", ssl: { serverName: "a.example" } });
    expect(other.sslRejectAlert).toBe(49);
    const none = await host.run(guest, { phase: "ssl_client_hello", ssl: {} });
    expect(none.sslRejectAlert).toBe(112);
  });

  it("sets the certificate for the SNI", async () => {
    const r = await host.run(guest, { phase: "ssl_certificate", ssl: { serverName: "b.test" } });
    expect(r.ok).toBe(true);
    expect(new X509Certificate(r.certificate!.cert).subject).toBe("CN=b.test");
    expect(r.certificate!.key).toContain("PRIVATE KEY");
    expect(r.logs.some((l) => l.message === "setCertificate=true")).toBe(true);
  });

  it("setCertificate returns false when the host refuses the PEM", async () => {
    const r = await host.run(guest, { phase: "ssl_certificate", ssl: { serverName: "c.test" } });
    expect(r.ok).toBe(true);
    expect(r.certificate).toBeUndefined();
    expect(r.logs.some((l) => l.message === "setCertificate=false")).toBe(true);
  });
});
