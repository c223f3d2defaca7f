import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("sdk log", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-log"));
  });

  it("writes one line per nginx level, in order, at that level", async () => {
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(true);
    const guestLogs = r.logs.filter((l) => l.source === "guest");
    expect(guestLogs.slice(0, 9).map((l) => [l.level, l.message])).toEqual([
      [0, "level stderr"],
      [1, "level emerg"],
      [2, "level alert"],
      [3, "level crit"],
      [4, "level err"],
      [5, "level warn"],
      [6, "level notice"],
      [7, "level info"],
      [8, "level debug"],
    ]);
  });

  it("sends UTF-8 and lets the host truncate long messages to 1024 bytes", async () => {
    const r = await host.run(guest, { phase: "content" });
    const guestLogs = r.logs.filter((l) => l.source === "guest");
    expect(guestLogs[9]).toMatchObject({ level: 4, message: "utf-8 ünïcödé ✓" });
    expect(guestLogs[10]!.message).toBe("x".repeat(1024));
  });
});
