import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest, type SubrequestCall } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

describe("guests/aggregate", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("guests/aggregate"));
  });

  it("runs two subrequests in turn and merges their answers", async () => {
    const backend = (sr: SubrequestCall) =>
      sr.uri === "/internal/user"
        ? { status: 200, body: JSON.stringify({ name: "Ann", args: sr.args, accept: sr.headers["accept"] }) }
        : { status: 404, body: "no orders" };
    const r = await host.run(guest, { phase: "content", request: { uri: "/aggregate", args: "id=7%26x" }, subrequest: backend });
    expect(r.ok).toBe(true);
    expect(r.invocations).toBe(3);
    expect(r.subrequests.map((s) => [s.uri, s.args, s.options])).toEqual([
      ["/internal/user", "id=7%26x", 1],
      ["/internal/orders", "user=7%26x", 1],
    ]);
    const json = JSON.parse(r.body);
    expect(json.id).toBe("7&x");
    expect(json.user.status).toBe(200);
    expect(JSON.parse(json.user.body)).toEqual({ name: "Ann", args: "id=7%26x", accept: "application/json" });
    expect(json.orders).toEqual({ status: 404, body: "no orders" });
  });

  it("answers 400 without ?id and launches nothing", async () => {
    const r = await host.run(guest, { phase: "content", request: { uri: "/aggregate" } });
    expect(r.status).toBe(400);
    expect(r.subrequests).toEqual([]);
    expect(r.invocations).toBe(1);
  });
});
