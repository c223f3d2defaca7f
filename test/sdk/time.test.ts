import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { lines } from "./lines.js";

describe("sdk time", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host({ clock: "manual" });
    guest = await host.load(await buildGuest("test/guests/sdk-time"));
  });

  it("reads the host's wall-clock and monotonic milliseconds as u64", async () => {
    host.clock.advance(1234);
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(true);
    const v = lines(r.body);
    expect(v.unix).toBe(String(host.clock.unixMs()));
    expect(v.mono).toBe(String(host.clock.monotonicMs()));
    expect(v.seconds).toBe(String(Math.floor(host.clock.unixMs() / 1000)));
    expect(Number(v.unix)).toBeGreaterThan(1_600_000_000_000); // needs all 64 bits: not truncated to 32
  });

  it("follows the clock", async () => {
    const before = lines((await host.run(guest, { phase: "content" })).body);
    host.clock.advance(5000);
    const after = lines((await host.run(guest, { phase: "content" })).body);
    expect(Number(after.unix) - Number(before.unix)).toBe(5000);
    expect(Number(after.mono) - Number(before.mono)).toBe(5000);
  });
});
