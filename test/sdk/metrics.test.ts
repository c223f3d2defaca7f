import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { SDK_METRICS, SDK_METRICS_TEXT, SDK_METRICS_UNDECLARED } from "./metrics-expected.js";

describe("sdk metrics", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host({ metrics: SDK_METRICS });
    guest = await host.load(await buildGuest("test/guests/sdk-metrics"));
  });

  it("increments counters (a labelled one too) and sets/adds gauges", async () => {
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(true);
    expect(host.metrics.counter("hits")).toBe(42n);
    expect(host.metrics.gauge("inflight")).toBe(7n);
    expect(host.metrics.counter('requests_total{method="GET"}')).toBe(1n);
    await host.run(guest, { phase: "content" });
    expect(host.metrics.counter("hits")).toBe(84n);
    expect(host.metrics.gauge("inflight")).toBe(7n);
  });

  it("works in the log phase", async () => {
    const r = await host.run(guest, { phase: "log" });
    expect(r.ok).toBe(true);
    expect(host.metrics.counter("logged")).toBe(1n);
  });

  it("exports what nginx serves (SDK_METRICS_TEXT)", () => {
    expect(host.metrics.prometheus()).toBe(SDK_METRICS_TEXT);
  });

  it("an undeclared metric aborts with a message naming it", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_undeclared" });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    const messages = r.logs.map((l) => l.message).join("\n");
    expect(messages).toContain(SDK_METRICS_UNDECLARED);
  });
});
