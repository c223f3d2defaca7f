import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

const text = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString("utf8"));

describe("sdk body filter", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-body-filter"));
  });

  it("reads and replaces every chunk, keeps globals between chunks, flags the last one", async () => {
    const r = await host.run(guest, { phase: "body_filter", response: { chunks: ["ab", "cd", "ef"] } });
    expect(r.ok).toBe(true);
    expect(r.invocations).toBe(3);
    expect(text(r.chunks)).toEqual(["<1:AB>", "<2:CD>", "<3:EF:last>"]);
  });

  it("reads chunks longer than the scratch buffer as bytes", async () => {
    const big = new Uint8Array(5000).fill(0xab);
    const r = await host.run(guest, { phase: "body_filter", export: "on_body_bytes", response: { chunks: [big, "xyz"] } });
    expect(text(r.chunks)).toEqual(["5000;", "3;"]);
  });

  it("passes chunks through when not replaced, and can drop them", async () => {
    const pass = await host.run(guest, { phase: "body_filter", export: "on_body_passthrough", response: { chunks: ["a", "b"] } });
    expect(text(pass.chunks)).toEqual(["a", "b"]);
    const drop = await host.run(guest, { phase: "body_filter", export: "on_body_drop", response: { chunks: ["a", "b"] } });
    expect(text(drop.chunks)).toEqual(["", ""]);
  });
});
