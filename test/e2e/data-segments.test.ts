// Active data segments land where they say, in a fresh memory, on both hosts.
// nginx's module merges wasm2c's per-segment loads (segments in ascending
// order, less than 64 bytes apart, become one image: ngx_http_wasm_merge_data)
// and leaves any other layout as wasm2c wrote it; these guests cover both,
// plus a passive segment (memory.init) and a segment past the memory's end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";

const FROM = 96;
const TO = 720;

/** A guest with these active segments whose handler answers memory[FROM, TO), after memory.init of "PASSIVE" at 400. */
function segmentsGuest(segments: [number, string][]): Promise<Uint8Array> {
  const data = segments.map(([at, text]) => `(data (i32.const ${at}) "${text}")`).join("\n  ");
  return abiGuest(`${data}
  (data $passive "PASSIVE")
  (func (export "dump") (result i32)
    (memory.init $passive (i32.const 400) (i32.const 0) (i32.const 7))
    (call $ngx_wasm_resp_write (i32.const ${FROM}) (i32.const ${TO - FROM})))`);
}

/** memory[FROM, TO) a fresh instance should hold: the segments in order, later ones over earlier, then the passive one. */
function expected(segments: [number, string][]): Buffer {
  const mem = Buffer.alloc(TO);
  for (const [at, text] of segments) mem.write(text, at, "latin1");
  mem.write("PASSIVE", 400, "latin1");
  return mem.subarray(FROM);
}

const LAYOUTS: Record<string, [number, string][]> = {
  // 8 bytes apart (one image), then 188 bytes further (a second), adjacent to it
  merged: [[100, "ab"], [110, "cd"], [300, "ef"], [302, "gh"], [640, "end"]],
  // overlapping: left to wasm2c, the later segment wins
  overlapping: [[500, "xyz"], [501, "Q"], [100, "ab"]],
  // out of order: left to wasm2c
  unordered: [[700, "late"], [600, "early"], [98, "lo"]],
};

describe("data segments (nginx and the in-process host)", () => {
  let ngx: Nginx;
  const wasm: Record<string, Uint8Array> = {};

  beforeAll(async () => {
    ngx = await Nginx.create("data-segments");
    for (const [name, segs] of Object.entries(LAYOUTS)) wasm[name] = await segmentsGuest(segs);
    wasm.outside = await segmentsGuest([[100, "ab"], [65534, "abc"]]);
    const paths = Object.fromEntries(Object.entries(wasm).map(([name, bytes]) => [name, ngx.addFile(`wasm/${name}.wasm`, bytes)]));
    await ngx.start(`
    server {
        listen ${ngx.listen()};
${Object.entries(paths).map(([name, p]) => `        location = /${name} { content_by_wasm ${p} dump; }`).join("\n")}
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  for (const [name, segs] of Object.entries(LAYOUTS)) {
    it(`${name}: every byte where the segments put it, request after request`, async () => {
      const want = expected(segs);
      for (let i = 0; i < 3; i++) {
        const res = await ngx.get(`/${name}`);
        expect(res.status).toBe(200);
        expect(Buffer.from(res.body).equals(want), `${name}: ${JSON.stringify(Buffer.from(res.body).toString("latin1").replace(/\0+/g, "."))}`).toBe(true);
      }
      const host = new Host();
      const r = await host.run(await host.load(wasm[name]!), { phase: "content", export: "dump" });
      expect(Buffer.from(r.bodyBytes).equals(want)).toBe(true);
    });
  }

  it("a segment past the memory's end fails the instantiation on both hosts; the worker serves on", async () => {
    const mark = ngx.logSize();
    expect((await ngx.get("/outside")).status).toBe(500);
    expect(await ngx.waitForLog(/out of bounds/, mark)).toMatch(/outside\.wasm/);
    const host = new Host();
    const r = await host.run(await host.load(wasm.outside!), { phase: "content", export: "dump" });
    expect(r.ok).toBe(false);
    expect((await ngx.get("/merged")).status).toBe(200);
  });
});
