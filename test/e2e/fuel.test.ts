// wasm_fuel_limit: a deterministic budget per invocation, one unit per guest
// function call and loop iteration, charged alike by the in-process host
// (host/fuel.ts rewrites the module) and nginx (ngx_http_wasm_tune_c rewrites
// wasm2c's C). Same guest, same request: the same fuel on both hosts, on every
// request; past the limit the invocation traps ("fuel exhausted", 500, one log
// line); where no fuel directive applies nginx runs the guest compiled without
// any charge.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import type { Guest } from "../../host/load.js";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";

const execFileP = promisify(execFile);

describe("wasm_fuel_limit", () => {
  let ngx: Nginx;
  let host: Host;
  let guest: Guest;

  beforeAll(async () => {
    const wasm = await buildGuest("test/guests/sdk-fuel");
    host = new Host();
    guest = await host.load(wasm);
    ngx = await Nginx.create("fuel");
    const g = ngx.addGuest("sdk-fuel", wasm);
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        add_header X-Fuel $wasm_fuel_used always;

        location = /plain   { content_by_wasm ${g} on_content; }
        location = /counted { wasm_fuel_limit 100000000; content_by_wasm ${g} on_content; }
        location = /limited { wasm_fuel_limit 5000; content_by_wasm ${g} on_content; }
        location = /yield   { wasm_fuel_limit 5000; content_by_wasm ${g} on_content_yield; }
        location /inherits/ {
            wasm_fuel_limit 5000;
            location = /inherits/off { wasm_fuel_limit 0; content_by_wasm ${g} on_content; }
        }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("the same request uses the same fuel on both hosts, and more work uses more", async () => {
    const seen: number[] = [];
    for (const n of [0, 1, 10, 1000]) {
      const r = await host.run(guest, { phase: "content", request: { uri: "/counted", args: `n=${n}` } });
      expect(r.ok, r.error).toBe(true);
      const res = await ngx.get(`/counted?n=${n}`);
      expect(res.status).toBe(200);
      expect(res.text).toBe(r.body);
      expect(Number(res.headers["x-fuel"]), `n=${n}`).toBe(r.fuel);
      seen.push(r.fuel);
    }
    // one loop iteration and one call of step() per unit of n at least
    expect(seen[3]! - seen[2]!).toBeGreaterThanOrEqual(990);
    expect(seen[0]).toBeGreaterThan(0);
  });

  it("is deterministic: 100 requests, one figure", async () => {
    const figures = new Set<string>();
    for (let i = 0; i < 100; i++) figures.add((await ngx.get("/counted?n=300")).headers["x-fuel"] ?? "none");
    expect([...figures]).toHaveLength(1);
  });

  it("past the limit the invocation traps: 500, one log line naming guest, export, phase and limit; the TS host says the same", async () => {
    const mark = ngx.logSize();
    const res = await ngx.get("/limited?n=100000");
    expect(res.status).toBe(500);
    expect(res.headers["x-fuel"]).toBe("5000");
    const line = await ngx.waitForLog(/fuel exhausted/, mark);
    expect(line).toMatch(/guest "[^"]*sdk-fuel\.wasm" export "on_content" \(phase content\) trapped: fuel exhausted: the invocation used more than its wasm_fuel_limit of 5000 units/);
    const r = await host.run(guest, { phase: "content", fuelLimit: 5000, request: { args: "n=100000" } });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    expect(r.trap?.kind).toBe("fuel_exhausted");
    expect(r.error).toContain("fuel exhausted: the invocation used more than its wasm_fuel_limit of 5000 units");
    expect(r.fuel).toBe(5000);
    // and under the limit the same request passes
    expect((await ngx.get("/limited?n=100")).status).toBe(200);
  });

  it("the limit is per invocation: a guest that yields twice gets a fresh budget each time", async () => {
    const r = await host.run(guest, { phase: "content", export: "on_content_yield", fuelLimit: 5000, request: { args: "n=2000" } });
    expect(r.ok, r.error).toBe(true);
    expect(r.invocations).toBe(3);
    expect(r.fuel).toBeGreaterThan(5000); // three invocations of over 2000 units each
    const res = await ngx.get("/yield?n=2000");
    expect(res.status).toBe(200);
    expect(res.text).toBe("rounds 3\n");
    expect(Number(res.headers["x-fuel"])).toBe(r.fuel);
  });

  it("without a fuel directive nginx runs the guest compiled without charges ($wasm_fuel_used 0)", async () => {
    expect((await ngx.get("/plain?n=10")).headers["x-fuel"]).toBe("0");
    expect((await ngx.get("/inherits/off?n=10")).headers["x-fuel"]).toBe("0");
    // two objects for the one guest: with and without fuel
    const loaded = [...ngx.errorLog().matchAll(/wasm: (?:compiled|using cached) "[^"]*sdk-fuel\.wasm".*\((\/[^)]*\.so)\)/g)].map((m) => m[1]!);
    const objects = [...new Set(loaded)];
    expect(objects).toHaveLength(2);
    const fueled = await Promise.all(objects.map(async (so) => (await execFileP("nm", ["-D", "--defined-only", so])).stdout.includes("ngx_wasm_shim_fuel")));
    expect(fueled.sort()).toEqual([false, true]);
  });
});
