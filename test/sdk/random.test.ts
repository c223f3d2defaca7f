// Math.random is seeded per request from `$request_id` (sdk/runtime.ts): the
// first draws of 2,000 consecutive requests must look independent, on the TS
// host and on nginx over one keep-alive connection (the case where a
// time-only seed gave requests of the same millisecond the same sequence).
// The bounds are far in the tails: an independent generator fails them with
// probability below 1e-6.
import { Agent, request } from "node:http";
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
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const sockets = new Set<unknown>();
      const get = (): Promise<string> =>
        new Promise((resolve, reject) => {
          const req = request({ host: "127.0.0.1", port: ngx.port, path: "/random", agent }, (res) => {
            sockets.add(res.socket);
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c));
            res.on("end", () => resolve(body));
          });
          req.on("error", reject);
          req.end();
        });
      const draws: number[] = [];
      for (let i = 0; i < N; i++) draws.push(Number(await get()));
      agent.destroy();
      expect(sockets.size).toBe(1); // really one keep-alive connection
      expectIndependent(draws);
    });
  });
});
