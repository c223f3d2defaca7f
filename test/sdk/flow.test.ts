import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { lines } from "./lines.js";

describe("sdk subrequests and yield", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-flow"));
  });

  it("launches a subrequest, reads its result on re-invocation, yields, and writes one body at the end", async () => {
    const backendBody = "backend says " + "b".repeat(5000);
    const r = await host.run(guest, {
      phase: "content",
      subrequest: () => ({ status: 207, headers: { "X-Backend": "blue" }, body: backendBody }),
    });
    expect(r.ok).toBe(true);
    expect(r.invocations).toBe(3);
    expect(r.subrequests).toEqual([
      { uri: "/backend", args: "a=1&b=2", method: 8, options: 1, headers: { "x-sub": "1" } },
    ]);
    expect(r.body.startsWith("before\n")).toBe(true);
    expect(r.body.endsWith("after yield\n")).toBe(true);
    expect(lines(r.body)).toEqual({
      status: "207",
      "x-backend": "blue",
      missing: "null",
      "body-length": String(backendBody.length),
      "body-start": "backend says",
    });
    expect(r.logs.some((l) => l.message === "stage 2")).toBe(true);
  });

  it("without capture only the status is read; asking for the body aborts with a message", async () => {
    const reply = (sr: { options: number }) => ({ status: sr.options === 0 ? 204 : 500, body: "not captured" });
    const r = await host.run(guest, { phase: "content", export: "on_nocapture", subrequest: reply });
    expect(r.ok).toBe(true);
    expect(r.body).toBe("status=204\n");
    const b = await host.run(guest, { phase: "content", export: "on_nocapture_body", subrequest: reply });
    expect(b.ok).toBe(false);
    expect(b.logs.map((l) => l.message).join("\n")).toContain("ngxwasm: Subrequest.body(): no captured body");
  });
});
