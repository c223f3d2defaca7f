// balancer_by_wasm in real nginx: an upstream of three origins (server blocks
// of the same nginx answering with their name), the example guest
// guests/pick-backend choosing one from the X-Backend header, retries under
// proxy_next_upstream (the first choice down: the guest sees the try number
// and falls back to the next server), keepalive in the upstream, and the
// failures: an index beyond the servers (the SDK aborts naming the index and
// how many there are) and a trap, each 502 with one line from the host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { freePort, httpFetch, Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";

/** A raw guest: on_trap traps; on_none chooses nothing; on_log_try reports $wasm_balancer_try and chooses peer 1. */
const RAW = `
  (data (i32.const 0) "wasm_balancer_try")
  (func (export "on_trap") (result i32) unreachable)
  (func (export "on_none") (result i32) (i32.const 0))
  (func (export "on_fail") (result i32) (i32.const 7))
  (func (export "on_log_try") (result i32) (local $n i32)
    (local.set $n (call $ngx_wasm_var_get (i32.const 0) (i32.const 17) (i32.const 64) (i32.const 16)))
    (drop (call $ngx_wasm_log (i32.const 6) (i32.const 64) (local.get $n)))
    (drop (call $ngx_wasm_balancer_set_peer (i32.const 1)))
    (i32.const 0))`;

/** error-log lines of level warn and above (nginx's own and ours) */
const problems = (log: string): string[] => log.split("\n").filter((l) => /\[(warn|error|crit|alert|emerg)\]/.test(l));

/** The module, and its AddressSanitizer build (zero reports expected). */
const VARIANTS = [
  { name: "module", asan: false },
  { name: "ASan module", asan: true },
];

for (const variant of VARIANTS) {
  describe(`balancer_by_wasm (${variant.name})`, () => {
    let ngx: Nginx;
    let down: number;

    beforeAll(async () => {
      ngx = await Nginx.create("balancer", { ports: 4, asan: variant.asan });
      down = await freePort(); // nothing listens there: connection refused
      const pick = ngx.addGuest("pick-backend", await buildGuest("guests/pick-backend"));
      const raw = ngx.addFile("wasm/raw.wasm", await abiGuest(RAW));
      const origins = [1, 2, 3].map((i) => ngx.listen(i));
      const proxy = `proxy_http_version 1.1; proxy_set_header Connection ""; add_header X-Tries $wasm_balancer_try always; add_header X-Upstream $upstream_addr always;`;
      await ngx.start(`
      upstream three {
          balancer_by_wasm ${pick} on_balancer;
          server ${origins[0]};
          server ${origins[1]};
          server ${origins[2]};
      }
      upstream first_down {
          balancer_by_wasm ${pick} on_balancer;
          server 127.0.0.1:${down};
          server ${origins[1]};
          server ${origins[2]};
      }
      upstream pooled {
          balancer_by_wasm ${pick} on_balancer;
          server ${origins[0]};
          server ${origins[1]};
          server ${origins[2]};
          keepalive 4;
      }
      upstream zoned {
          balancer_by_wasm ${pick} on_balancer;
          zone zoned 64k;
          server ${origins[0]};
          server ${origins[1]};
          server ${origins[2]};
      }
      upstream trap    { balancer_by_wasm ${raw} on_trap;    server ${origins[0]}; server ${origins[1]}; }
      upstream fail    { balancer_by_wasm ${raw} on_fail;    server ${origins[0]}; server ${origins[1]}; }
      upstream none    { balancer_by_wasm ${raw} on_none;    server ${origins[0]}; server ${origins[1]}; }
      upstream log_try { balancer_by_wasm ${raw} on_log_try; server ${origins[0]}; server ${origins[1]}; }

      server {
          listen ${ngx.listen(0)};
          location /three/      { proxy_pass http://three/; ${proxy} }
          location /first-down/ { proxy_pass http://first_down/; ${proxy} }
          location /no-retry/   { proxy_pass http://first_down/; proxy_next_upstream off; ${proxy} }
          location /pooled/     { proxy_pass http://pooled/; ${proxy} }
          location /zoned/      { proxy_pass http://zoned/; ${proxy} }
          location /trap/       { proxy_pass http://trap/; ${proxy} }
          location /fail/       { proxy_pass http://fail/; ${proxy} }
          location /none/       { proxy_pass http://none/; ${proxy} }
          location /log-try/    { proxy_pass http://log_try/; ${proxy} }
      }
      ${["a", "b", "c"]
        .map(
          (name, k) => `server {
          listen ${origins[k]};
          location / { default_type text/plain; add_header X-Origin-Connection $connection; return 200 "origin ${name}\\n"; }
      }`,
        )
        .join("\n    ")}`);
    });

    afterAll(async () => {
      await ngx?.stop();
    });

    it("routes each request to the server the X-Backend header names", async () => {
      for (const [backend, origin] of [["a", "a"], ["b", "b"], ["c", "c"], ["0", "a"], ["2", "c"], ["B", "b"]]) {
        const r = await httpFetch(ngx.url("/three/x"), { headers: { "X-Backend": backend! } });
        expect(r.status, backend).toBe(200);
        expect(r.text, backend).toBe(`origin ${origin}\n`);
        expect(r.headers["x-tries"], backend).toBe("1");
      }
    });

    it("without a choice, round robin picks (every server in turn)", async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add((await httpFetch(ngx.url("/three/x"))).text);
      expect([...seen].sort()).toEqual(["origin a\n", "origin b\n", "origin c\n"]);
      const none = await httpFetch(ngx.url("/none/x"));
      expect(none.status).toBe(200);
      expect(none.text).toMatch(/^origin [ab]\n$/);
    });

    it("a retry under proxy_next_upstream runs the guest again: it sees try 2 and falls back to the next server", async () => {
      const mark = ngx.logSize();
      const r = await httpFetch(ngx.url("/first-down/x"), { headers: { "X-Backend": "a" } });
      expect(r.status).toBe(200);
      expect(r.text).toBe("origin b\n");
      expect(r.headers["x-tries"]).toBe("2");
      expect(r.headers["x-upstream"]).toBe(`127.0.0.1:${down}, ${ngx.listen(2)}`);
      const log = problems(ngx.errorLogSince(mark));
      expect(log.some((l) => /connect\(\) failed \(111: Connection refused\)/.test(l)), log.join("\n")).toBe(true);
      expect(log.filter((l) => l.includes("wasm: "))).toEqual([]);
      // the guest's choice is not refused for an earlier failure: a is still tried first
      const again = await httpFetch(ngx.url("/first-down/x"), { headers: { "X-Backend": "a" } });
      expect(again.text).toBe("origin b\n");
      expect(again.headers["x-upstream"]).toBe(`127.0.0.1:${down}, ${ngx.listen(2)}`);
    });

    it("without proxy_next_upstream the failed choice is the answer (502, one try)", async () => {
      const r = await httpFetch(ngx.url("/no-retry/x"), { headers: { "X-Backend": "a" } });
      expect(r.status).toBe(502);
      expect(r.headers["x-tries"]).toBe("1");
    });

    it("the guest reads $wasm_balancer_try through var_get", async () => {
      const mark = ngx.logSize();
      const r = await httpFetch(ngx.url("/log-try/x"));
      expect(r.text).toBe("origin b\n");
      await ngx.waitForLog(/\[notice\] .*\[wasm\] 1 while connecting to upstream/, mark);
    });

    it("works with keepalive in the upstream: the chosen server's connection is reused", async () => {
      const conns: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await httpFetch(ngx.url("/pooled/x"), { headers: { "X-Backend": "c" } });
        expect(r.text).toBe("origin c\n");
        conns.push(r.headers["x-origin-connection"]!);
      }
      expect(new Set(conns).size, `origin-side connections ${conns.join(", ")}`).toBe(1);
      const b = await httpFetch(ngx.url("/pooled/x"), { headers: { "X-Backend": "b" } });
      expect(b.text).toBe("origin b\n");
      expect(b.headers["x-origin-connection"]).not.toBe(conns[0]);
    });

    it("works with the peers in a shared zone (upstream zone)", async () => {
      for (const [backend, origin] of [["c", "c"], ["a", "a"], ["b", "b"]]) {
        expect((await httpFetch(ngx.url("/zoned/x"), { headers: { "X-Backend": backend! } })).text).toBe(`origin ${origin}\n`);
      }
    });

    it("an index beyond the servers: 502, the SDK's line names the index and the number of servers, one host line", async () => {
      const mark = ngx.logSize();
      const r = await httpFetch(ngx.url("/three/x"), { headers: { "X-Backend": "z" } });
      expect(r.status).toBe(502);
      const log = problems(ngx.errorLogSince(mark));
      expect(log.filter((l) => / wasm: /.test(l)), log.join("\n")).toHaveLength(1);
      expect(log.join("\n")).toMatch(/\[wasm\] guest abort: ngxwasm: Balancer\.setPeer\(25\): no such server: the upstream block has 3 \(indexes start at 0\)/);
      expect(log.join("\n")).toMatch(/wasm: guest "[^"]*pick-backend\.wasm" export "on_balancer" \(phase balancer\) trapped: unreachable/);
      expect(log).toHaveLength(2);
    });

    it("a guest that traps: 502 and exactly one log line, no retry", async () => {
      const mark = ngx.logSize();
      const r = await httpFetch(ngx.url("/trap/x"));
      expect(r.status).toBe(502);
      expect(r.headers["x-tries"]).toBe("1");
      const log = problems(ngx.errorLogSince(mark));
      expect(log, log.join("\n")).toHaveLength(1);
      expect(log[0]).toMatch(/wasm: guest "[^"]*raw\.wasm" export "on_trap" \(phase balancer\) trapped: unreachable executed/);
      // the worker goes on serving
      expect((await httpFetch(ngx.url("/three/x"), { headers: { "X-Backend": "a" } })).text).toBe("origin a\n");
    });

    it("a reload keeps the balancer and its variables", async () => {
      const reload = await ngx.reload();
      expect(reload.ok, reload.output).toBe(true);
      const r = await httpFetch(ngx.url("/first-down/x"), { headers: { "X-Backend": "c" } });
      expect(r.text).toBe("origin c\n");
      expect(r.headers["x-tries"]).toBe("1");
    });

    it("a guest that returns non-zero: 502 and one log line", async () => {
      const mark = ngx.logSize();
      const r = await httpFetch(ngx.url("/fail/x"));
      expect(r.status).toBe(502);
      const log = problems(ngx.errorLogSince(mark));
      expect(log, log.join("\n")).toHaveLength(1);
      expect(log[0]).toMatch(/export "on_fail" \(phase balancer\) returned 7/);
    });
    it("AddressSanitizer reported nothing", () => {
      if (variant.asan) expect(ngx.asanReports()).toEqual([]);
    });
  });
}

describe("balancer_by_wasm configuration", () => {
  it("must come before keepalive: nginx -t names the upstream", async () => {
    const ngx = await Nginx.create("balancer-conf");
    const raw = ngx.addFile("wasm/raw.wasm", await abiGuest(RAW));
    ngx.configure(`
    upstream late { server 127.0.0.1:1; keepalive 2; balancer_by_wasm ${raw} on_none; }
    server { listen ${ngx.listen()}; location / { proxy_pass http://late; } }`);
    const t = await ngx.test();
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/balancer_by_wasm must come before "keepalive" in upstream "late"/);
  });

  it("is refused outside upstream {} and twice in one upstream", async () => {
    const ngx = await Nginx.create("balancer-conf2");
    const raw = ngx.addFile("wasm/raw.wasm", await abiGuest(RAW));
    ngx.configure(`server { listen ${ngx.listen()}; location / { balancer_by_wasm ${raw} on_none; } }`);
    expect((await ngx.test()).output).toMatch(/"balancer_by_wasm" directive is not allowed here/);
    ngx.configure(`
    upstream twice { balancer_by_wasm ${raw} on_none; balancer_by_wasm ${raw} on_none; server 127.0.0.1:1; }
    server { listen ${ngx.listen()}; location / { proxy_pass http://twice; } }`);
    expect((await ngx.test()).output).toMatch(/"balancer_by_wasm" directive is duplicate/);
  });
});
