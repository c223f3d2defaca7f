// Math.random is seeded per request from `$request_id` (sdk/runtime.ts): the
// first draws of 2,000 consecutive requests must look independent, on the TS
// host and on nginx over one keep-alive connection (the case where a
// time-only seed gave requests of the same millisecond the same sequence).
// The bounds are far in the tails: an independent generator fails them with
// probability below 1e-6.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";

const N = 2000;

/** Pearson's statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

function expectIndependent(draws: number[]): void {
  expect(draws).toHaveLength(N);
  for (const d of draws) {
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(1);
  }
  // No two requests drew the same value (a shared seed repeats it exactly).
  expect(new Set(draws).size).toBe(N);
  // Uniform over 10 buckets: chi-square, 9 degrees of freedom (p(> 50) ≈ 3e-7).
  const decile = draws.map((d) => Math.floor(d * 10));
  const buckets = new Array<number>(10).fill(0);
  for (const b of decile) buckets[b]!++;
  expect(chiSquare(buckets)).toBeLessThan(50);
  // Consecutive requests independent: pairs of deciles, 99 degrees of freedom (p(> 190) < 1e-7).
  const pairs = new Array<number>(100).fill(0);
  for (let i = 1; i < N; i++) pairs[decile[i - 1]! * 10 + decile[i]!]!++;
  expect(chiSquare(pairs)).toBeLessThan(190);
  // A 10 % canary: runs of three or more picks in a row; independent picks give
  // about 1.8 such runs in 2,000 (Poisson: p(≥ 12) < 1e-6).
  let runs = 0;
  let streak = 0;
  for (const d of draws) {
    streak = d < 0.1 ? streak + 1 : 0;
    if (streak === 3) runs++;
  }
  expect(runs).toBeLessThan(12);
}

describe("Math.random per request", () => {
  it("on the TS host: 2,000 runs draw independent values", async () => {
    const host = new Host();
    const guest = await host.load(await buildGuest("test/guests/sdk-random"));
    const draws: number[] = [];
    for (let i = 0; i < N; i++) {
      const r = await host.run(guest, { phase: "content" });
      expect(r.ok).toBe(true);
      draws.push(Number(r.body));
    }
    expectIndependent(draws);
  });

  describe("on nginx", () => {
    let ngx: Nginx;
    beforeAll(async () => {
      ngx = await Nginx.create("random");
      const g = ngx.addGuest("sdk-random", await buildGuest("test/guests/sdk-random"));
      await ngx.start(`
    server {
        listen ${ngx.listen()};
        keepalive_requests ${N + 10};
        location = /random { content_by_wasm ${g} on_content; }
    }`);
    });
    afterAll(async () => {
      await ngx?.stop();
    });

    it("2,000 keep-alive requests on one connection draw independent values", async () => {
      // One raw connection, request after request: no client library may open another.
      const socket = connect(ngx.port, "127.0.0.1");
      await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
      let pending = Buffer.alloc(0);
      let wake: (() => void) | undefined;
      socket.on("data", (c: Buffer) => {
        pending = Buffer.concat([pending, c]);
        wake?.();
      });
      const next = async (): Promise<string> => {
        for (;;) {
          const end = pending.indexOf("\r\n\r\n");
          const length = end >= 0 ? Number(/content-length: *(\d+)/i.exec(pending.subarray(0, end).toString())?.[1]) : NaN;
          if (end >= 0 && pending.length >= end + 4 + length) {
            const body = pending.subarray(end + 4, end + 4 + length).toString();
            pending = pending.subarray(end + 4 + length);
            return body;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      };
      const draws: number[] = [];
      for (let i = 0; i < N; i++) {
        socket.write("GET /random HTTP/1.1\r\nHost: t\r\n\r\n");
        draws.push(Number(await next()));
      }
      socket.destroy();
      expectIndependent(draws);
    });
  });
});
