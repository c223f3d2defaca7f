import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
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
    expect(lines(r.body)).toEqual({
      set: "true",
      get: '"v1"',
      exists: "true",
      "add-existing": "false",
      "add-new": "true",
      "replace-missing": "false",
      "replace-existing": "true",
      "get-after-replace": '"v3"',
      "exists-after-delete": "false",
      "get-missing": "null",
      "incr-new": "1",
      "incr-again": "6",
      "incr-init": "11",
      "incr-to-minus-2": "-2",
      bytes: "0.ff.80.7.",
      setex: "true",
      long: "5000",
      "host-set": '"hello"',
    });
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
    expect(r.logs.map((l) => l.message).join("\n")).toContain('ngxwasm: SharedDict.incr("text"): the stored value is not a signed 32-bit integer');
  });

  it("a key over 256 bytes aborts before reaching the host", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_key_too_long" });
    expect(r.ok).toBe(false);
    expect(r.logs.map((l) => l.message).join("\n")).toContain("keys must be 1..256 bytes");
  });
});
