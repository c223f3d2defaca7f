// Guest memory in the in-process host, with the cap nginx has (16 MiB per
// instance): a body filter runs once per chunk on one instance, so it must
// reclaim each chunk's garbage (`ngxwasm build` gives it the incremental
// runtime); what it keeps alive counts, and at the cap the trap names it.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGuests } from "../../cli/build.js";
import { projectRoot } from "../../host-abi/generate.js";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";

const CHUNK = 64 * 1024;
/** 600 chunks of 64 KiB: 37.5 MiB, more than twice the cap. */
const CHUNKS = 600;

function chunks(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new Uint8Array(size).fill(0x61 + (i % 26)));
}

describe("a body filter's memory stays bounded over a response larger than the cap", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-body-filter"));
  });

  for (const exportName of ["on_body_read", "on_body_passthrough"]) {
    it(`${exportName} passes ${CHUNKS} × 64 KiB through unchanged`, async () => {
      const input = chunks(CHUNKS, CHUNK);
      const r = await host.run(guest, { phase: "body_filter", export: exportName, response: { chunks: input } });
      expect(r.error).toBeUndefined();
      expect(r.invocations).toBe(CHUNKS);
      expect(r.chunks).toHaveLength(CHUNKS);
      expect(r.chunks.every((c, i) => Buffer.from(c).equals(Buffer.from(input[i]!)))).toBe(true);
    });
  }

  it("on_body_read needs less than 1 MiB for it: it passes under a 1 MiB cap", async () => {
    const small = new Host({ maxMemoryPages: 16 });
    const r = await small.run(await small.load(await buildGuest("test/guests/sdk-body-filter")), {
      phase: "body_filter",
      export: "on_body_read",
      response: { chunks: chunks(CHUNKS, CHUNK) },
    });
    expect(r.error).toBeUndefined();
  });

  it("built with the stub runtime (never frees), the same filter stops at the cap: the bug this design fixes", async () => {
    const [stub] = await buildGuests([join(projectRoot(), "test/guests/sdk-body-filter")], {
      outDir: join(projectRoot(), "build", "test-guests", "stub"),
      runtime: "stub",
    });
    expect(stub?.runtime).toBe("stub");
    const r = await host.run(await host.load(stub!.wasmPath), { phase: "body_filter", export: "on_body_read", response: { chunks: chunks(CHUNKS, CHUNK) } });
    expect(r.ok).toBe(false);
    // Each 64 KiB chunk stays allocated: 255 chunks (16,711,680 bytes, where the issue saw nginx cut the body) pass, the 256th traps.
    expect(r.chunks.reduce((n, c) => n + c.length, 0)).toBe(16_711_680);
    expect(r.trap).toEqual({ kind: "memory_limit", message: "memory limit (16 MiB) reached" });
  });
});

describe("the memory cap", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host();
    guest = await host.load(await buildGuest("test/guests/sdk-memory-limit"), "sdk-memory-limit");
  });

  it("a filter that keeps every chunk in a global traps at 16 MiB, naming guest, export and phase", async () => {
    const r = await host.run(guest, { phase: "body_filter", export: "on_body_keep", response: { chunks: chunks(CHUNKS, CHUNK) } });
    expect(r.ok).toBe(false);
    expect(r.invocations).toBeGreaterThan(200); // ~16 MiB of 64 KiB chunks were kept first
    expect(r.invocations).toBeLessThanOrEqual(256);
    expect(r.error).toBe('guest "sdk-memory-limit" export "on_body_keep" (phase body_filter) trapped: memory_limit: memory limit (16 MiB) reached');
  });

  it("a handler that allocates without bound traps at 16 MiB (a 500, like nginx)", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_content_grow" });
    expect(r.status).toBe(500);
    expect(r.error).toBe('guest "sdk-memory-limit" export "on_content_grow" (phase content) trapped: memory_limit: memory limit (16 MiB) reached');
  });
});
