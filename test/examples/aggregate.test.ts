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
    // a JSON answer is merged as it is; anything else is a string
    expect(json.user.body).toEqual({ name: "Ann", args: "id=7%26x", accept: "application/json" });
    expect(json.orders).toEqual({ status: 404, body: "no orders" });
  });

  it("merges only well-formed JSON as it is; anything else goes in as a string", async () => {
    const bodies: [string, unknown][] = [
      [' {"a":[1,-2.5e+3,{"b":null}],"c":"x\\u0041\\n","t":true,"f":false} \n', { a: [1, -2500, { b: null }], c: "xA\n", t: true, f: false }],
      ["[]", []],
      ["42", 42],
      ['{"a":1,}', '{"a":1,}'],
      ['{"a":01}', '{"a":01}'],
      ['{"a":"\\x"}', '{"a":"\\x"}'],
      ["[1 2]", "[1 2]"],
      ['{"a":1}x', '{"a":1}x'],
      ["", ""],
      ["<html>502</html>", "<html>502</html>"],
    ];
    for (const [body, want] of bodies) {
      const r = await host.run(guest, { phase: "content", request: { uri: "/aggregate", args: "id=1" }, subrequest: () => ({ status: 200, body }) });
      expect(JSON.parse(r.body).user.body, body).toEqual(want);
    }
  });

  it("answers 400 without ?id and launches nothing", async () => {
    const r = await host.run(guest, { phase: "content", request: { uri: "/aggregate" } });
    expect(r.status).toBe(400);
    expect(r.subrequests).toEqual([]);
    expect(r.invocations).toBe(1);
  });
});
