import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { SHARED_DICT_INCR_TEXT_LINE, SHARED_DICT_KEY_TOO_LONG_LINE, SHARED_DICT_LINES } from "./expected.js";
import { lines } from "./lines.js";

describe("sdk shared dict", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host({ clock: "manual" });
    guest = await host.load(await buildGuest("test/guests/sdk-shared-dict"));
  });

  it("implements get/set/add/replace/delete/exists/incr with clear results", async () => {
    host.shm.set("from-host", "hello");
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(true);
    expect(lines(r.body)).toEqual(SHARED_DICT_LINES);
    expect(host.shm.get("counter")).toBe("6");
    expect(host.shm.get("fresh")).toBe("f");
    expect(host.shm.get("k")).toBeUndefined();
  });

  it("values survive across requests; setEx expires after its TTL", async () => {
    await host.run(guest, { phase: "content" });
    expect(lines((await host.run(guest, { phase: "content", export: "on_read_ttl" })).body).ttl).toBe('"short"');
    host.clock.advance(1001);
    expect(lines((await host.run(guest, { phase: "content", export: "on_read_ttl" })).body).ttl).toBe("null");
  });

  it("incr on a non-integer aborts with a message naming the key", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_incr_text" });
    expect(r.ok).toBe(false);
    expect(r.logs.map((l) => l.message).join("\n")).toContain(SHARED_DICT_INCR_TEXT_LINE);
  });

  it("a key over 256 bytes aborts before reaching the host", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_key_too_long" });
    expect(r.ok).toBe(false);
    expect(r.logs.map((l) => l.message).join("\n")).toContain(SHARED_DICT_KEY_TOO_LONG_LINE);
  });
});
