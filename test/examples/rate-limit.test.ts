// guests/rate-limit: 10 requests per client per minute, counted with
// SharedDict.incr in one key per window. On the TS host the window logic; on
// nginx with two workers under wrk, the count is exact: whatever the load,
// exactly 10 requests per window get through (a lost update would let more).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";

const execFileP = promisify(execFile);
const LIMIT = 10;
const WINDOW_MS = 60_000;

describe("guests/rate-limit", () => {
  describe("TS host", () => {
    let host: Host;
    let guest: Guest;
    beforeAll(async () => {
      host = new Host({ clock: "manual" });
      guest = await host.load(await buildGuest("guests/rate-limit"));
    });

    const hit = (client: string) => host.run(guest, { phase: "access", request: { headers: { "X-Client": client } } });

    it("lets 10 requests of a client through per window, then answers 429 with Retry-After", async () => {
      host.clock.set(10 * WINDOW_MS + 15_000);
      for (let i = 0; i < LIMIT; i++) expect((await hit("a")).fellThrough).toBe(true);
      const over = await hit("a");
      expect(over.status).toBe(429);
      expect(over.body).toBe("too many requests\n");
      expect(over.headers["retry-after"]).toBe("45");
      expect((await hit("b")).fellThrough).toBe(true); // another client has its own count
      host.clock.advance(WINDOW_MS);
      expect((await hit("a")).fellThrough).toBe(true); // a new window
    });
  });

  describe("nginx, two workers, under wrk", () => {
    let ngx: Nginx;
    beforeAll(async () => {
      ngx = await Nginx.create("rate-limit", { workers: 2 });
      const g = ngx.addGuest("rate-limit", await buildGuest("guests/rate-limit"));
      ngx.addFile("html/ok.txt", "ok\n");
      await ngx.start(`
    wasm_shm_zone guests 1m;
    server {
        listen ${ngx.listen()};
        location = /limited { access_by_wasm ${g} on_access; default_type text/plain; alias html/ok.txt; }
    }`);
    });
    afterAll(async () => {
      await ngx?.stop();
    });

    it("exactly 10 requests per window get through, all others 429", async () => {
      const window = () => Math.floor(Date.now() / WINDOW_MS);
      const first = window();
      const { stdout } = await execFileP("wrk", ["-t2", "-c16", "-d2s", "-H", "X-Client: load", ngx.url("/limited")]);
      const windows = window() - first + 1; // 1, or 2 if the run crossed a minute
      const total = Number(/(\d+) requests in/.exec(stdout)?.[1]);
      const refused = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
      expect(total).toBeGreaterThan(1000); // real load, on both workers
      expect(total - refused).toBe(LIMIT * windows);
      expect(ngx.errorLog()).not.toMatch(/\[(alert|crit|emerg)\]|exited on signal/);
    });
  });
});
