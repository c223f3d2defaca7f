import { beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c))).toString("utf8");

/** Split `text`'s UTF-8 bytes at every `size` bytes: splits characters on purpose. */
function byteChunks(text: string, size: number): Uint8Array[] {
  const bytes = Buffer.from(text, "utf8");
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(new Uint8Array(bytes.subarray(i, i + size)));
  return out;
}

const BIG_CHUNKS = 600;
const BIG_MIB = (BIG_CHUNKS * 64) / 1024;

describe("guests/uppercase", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("guests/uppercase"));
  });

  const text = "héllo wörld — ünïcødé ✓ straße 😀 end\n".repeat(20);

  for (const size of [1, 2, 3, 5, 7, 64, 4096]) {
    it(`uppercases text correctly with ${size}-byte chunks`, async () => {
      const r = await host.run(guest, {
        phase: "body_filter",
        response: { headers: { "Content-Type": "text/plain; charset=utf-8" }, chunks: byteChunks(text, size) },
      });
      expect(r.ok).toBe(true);
      expect(joined(r.chunks)).toBe(text.toUpperCase());
    });
  }

  // A response over twice the 16 MiB memory cap, in 64 KiB chunks that split
  // multi-byte characters: each chunk's garbage is reclaimed (the incremental
  // runtime `ngxwasm build` gives body filters) while the carry in a global
  // survives. 2 MiB of memory is enough for it.
  for (const maxMemoryPages of [256, 32]) {
    it(`uppercases ${BIG_CHUNKS} chunks of 64 KiB (${BIG_MIB} MiB) correctly within ${maxMemoryPages / 16} MiB of memory`, async () => {
      const capped = new Host({ maxMemoryPages });
      const pattern = "héllo wörld — ünïcødé ✓ straße 😀 end\n";
      const patternBytes = Buffer.byteLength(pattern);
      const big = pattern.repeat(Math.floor((BIG_CHUNKS * 65536) / patternBytes));
      const input = byteChunks(big, 65536);
      expect(input.length).toBe(BIG_CHUNKS);
      const r = await capped.run(await capped.load(await buildGuest("guests/uppercase")), {
        phase: "body_filter",
        response: { headers: { "Content-Type": "text/plain; charset=utf-8" }, chunks: input },
      });
      expect(r.error).toBeUndefined();
      const out = Buffer.concat(r.chunks.map((c) => Buffer.from(c)));
      const expected = Buffer.from(big.toUpperCase(), "utf8");
      expect(out.length).toBe(expected.length);
      expect(out.equals(expected)).toBe(true);
    });
  }

  it("passes non-text responses through byte for byte", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x61, 0x62, 0xc3]);
    const r = await host.run(guest, { phase: "body_filter", response: { headers: { "Content-Type": "image/png" }, chunks: [png] } });
    expect(Buffer.from(r.chunks[0]!)).toEqual(Buffer.from(png));
  });

  it("drops Content-Length of text responses in the header filter", async () => {
    const r = await host.run(guest, {
      phase: "header_filter",
      response: { headers: { "Content-Type": "text/html", "Content-Length": "10" } },
    });
    expect(r.ok).toBe(true);
    expect(r.headers).not.toHaveProperty("content-length");
    const img = await host.run(guest, {
      phase: "header_filter",
      response: { headers: { "Content-Type": "image/png", "Content-Length": "10" } },
    });
    expect(img.headers["content-length"]).toBe("10");
  });
});
