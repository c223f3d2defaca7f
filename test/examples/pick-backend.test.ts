import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

// guests/pick-backend in the in-process host; on nginx: test/e2e/balancer.test.ts.
describe("guests/pick-backend", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("guests/pick-backend"));
  });

  const pick = (backend: string | undefined, attempt = 1) =>
    host.run(guest, {
      phase: "balancer",
      upstream: { peers: 3, try: attempt },
      request: { headers: backend !== undefined ? { "X-Backend": backend } : {} },
    });

  it("chooses the server the X-Backend header names (a, b, c or an index)", async () => {
    for (const [backend, peer] of [["a", 0], ["b", 1], ["C", 2], ["0", 0], ["2", 2]] as const) {
      const r = await pick(backend);
      expect(r.ok, backend).toBe(true);
      expect(r.peer, backend).toBe(peer);
    }
  });

  it("on a retry falls back to the next servers in turn", async () => {
    expect((await pick("a", 2)).peer).toBe(1);
    expect((await pick("a", 3)).peer).toBe(2);
    expect((await pick("c", 2)).peer).toBe(0);
  });

  it("without the header (or with an unreadable one) leaves the choice to round robin", async () => {
    for (const backend of [undefined, "", "blue", "12345"]) {
      const r = await pick(backend);
      expect(r.ok, String(backend)).toBe(true);
      expect(r.peer, String(backend)).toBeUndefined();
    }
  });

  it("a server beyond the upstream aborts, naming the index and the number of servers", async () => {
    const r = await pick("z");
    expect(r.ok).toBe(false);
    expect(r.logs.map((l) => l.message).join("\n")).toContain("ngxwasm: Balancer.setPeer(25): no such server: the upstream block has 3 (indexes start at 0)");
  });
});
