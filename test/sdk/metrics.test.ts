import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("sdk metrics", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host({ metrics: { counters: ["hits", "logged"], gauges: ["inflight"] } });
    guest = await host.load(await buildGuest("test/guests/sdk-metrics"));
  });

  it("increments counters and sets/adds gauges", async () => {
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(true);
    expect(host.metrics.counter("hits")).toBe(42n);
    expect(host.metrics.gauge("inflight")).toBe(7n);
    await host.run(guest, { phase: "content" });
    expect(host.metrics.counter("hits")).toBe(84n);
    expect(host.metrics.gauge("inflight")).toBe(7n);
  });

  it("works in the log phase", async () => {
    const r = await host.run(guest, { phase: "log" });
    expect(r.ok).toBe(true);
    expect(host.metrics.counter("logged")).toBe(1n);
  });

  it("an undeclared metric aborts with a message naming it", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_undeclared" });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    const messages = r.logs.map((l) => l.message).join("\n");
    expect(messages).toContain('ngxwasm: Counter.inc("not_declared"): is it declared in nginx.conf');
  });
});
