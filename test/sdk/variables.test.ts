import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { VARIABLES_LINES, VARIABLES_REQUEST } from "./expected.js";
import { lines } from "./lines.js";

describe("sdk variables", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-variables"));
  });

  it("gets (retrying long values) and sets variables; unknown or unset ones are null, empty ones \"\"", async () => {
    const r = await host.run(guest, {
      phase: "content",
      request: { ...VARIABLES_REQUEST, variables: { v: "1", e: "", long: "v".repeat(6000) } },
    });
    expect(r.ok).toBe(true);
    expect(lines(r.body)).toEqual(VARIABLES_LINES);
    expect(r.variables["v"]).toBe("changed ✓");
  });

  it("setting a read-only variable aborts with a message naming the call", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_set_readonly" });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    expect(r.trap).toBeDefined();
    expect(r.body).not.toContain("not reached");
    const messages = r.logs.map((l) => l.message).join("\n");
    expect(messages).toContain('ngxwasm: Variables.set("remote_addr"): the variable cannot be changed');
  });
});
