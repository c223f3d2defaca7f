// The fault matrix: every way a guest can fail at request time (FAULTS in
// fault-guest.ts) × every request phase the module runs guests in (the
// balancer's guest in an upstream each cell's location proxies to), through real
// nginx, once with the module and once with its AddressSanitizer build.
// Each cell asserts what the client sees, exactly one error-log line
// naming the guest file, export, phase and the kind of failure, the same
// worker (no crash, no respawn) and the next request served; the ASan run
// ends with zero sanitizer reports.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODULE_ASAN_SO, Nginx, asanEnv, libasan, rawHttp } from "../support/nginx.js";
import { FAULTS, MAX_INVOCATIONS, PHASES, faultGuest, type Phase } from "./fault-guest.js";

const GUEST = "wasm/faults.wasm";

/** The upstream of a balancer cell: the guest picks before any server is tried. */
const upstreamName = (kind: string): string => `balancer_${kind.replace(/-/g, "_")}`;

/** The location (or server, for server_rewrite) body that runs `exp` in `phase`. */
function cellConfig(phase: Phase, exp: string, kind: string): string {
  switch (phase) {
    case "balancer":
      return `proxy_pass http://${upstreamName(kind)}/ok;`;
    case "server_rewrite":
      return `server_rewrite_by_wasm ${GUEST} ${exp}; location / { content_by_wasm ${GUEST} ok; }`;
    case "rewrite":
      return `rewrite_by_wasm ${GUEST} ${exp}; return 200 "unreached\\n";`;
    case "access":
      return `access_by_wasm ${GUEST} ${exp}; content_by_wasm ${GUEST} ok;`;
    case "content":
      return `content_by_wasm ${GUEST} ${exp};`;
    case "header_filter":
      return `return 200 "body\\n"; header_filter_by_wasm ${GUEST} ${exp};`;
    case "body_filter":
      return `return 200 "body\\n"; body_filter_by_wasm ${GUEST} ${exp};`;
    case "log":
      return `return 200 "logged\\n"; log_by_wasm ${GUEST} ${exp};`;
  }
}

/** The http block: a main server with /ok and a location per cell, a server per server_rewrite cell. */
export function matrixConfig(listen: string): string {
  const locations: string[] = [];
  const servers: string[] = [];
  const upstreams: string[] = [];
  for (const fault of FAULTS) {
    // Runaway loops stop at 20 ms. The memory bomb stops by itself, at the
    // 16 MiB cap, and runs without a time limit: the limit is wall-clock
    // time, and under ASan on a loaded machine its 12 MiB of reallocs took
    // over the 100 ms default. (Not a longer limit: after a call with a long
    // limit the watchdog oversleeps a shorter one, see watchdog.test.ts.)
    const limit =
      fault.kind === "runaway-loop" ? "wasm_time_limit 20ms; " : fault.kind === "memory-bomb" ? "wasm_time_limit 0; " : "";
    for (const phase of PHASES) {
      const body = limit + cellConfig(phase, fault.exportFor(phase), fault.kind);
      if (phase === "server_rewrite") servers.push(`server { listen ${listen}; server_name ${fault.kind}.server-rewrite; ${body} }`);
      else locations.push(`location = /${phase}/${fault.kind} { ${body} }`);
      // the guest runs in the upstream, with the limit of the location that proxies to it
      if (phase === "balancer") upstreams.push(`upstream ${upstreamName(fault.kind)} { balancer_by_wasm ${GUEST} ${fault.exportFor(phase)}; server ${listen}; }`);
    }
  }
  return `
    wasm_max_invocations ${MAX_INVOCATIONS};
    server {
        listen ${listen} default_server;
        server_name main;
        location = /ok { content_by_wasm ${GUEST} ok; }
        location = /big.txt { root html; body_filter_by_wasm ${GUEST} fail_second_chunk; }
        ${locations.join("\n        ")}
    }
    ${servers.join("\n    ")}
    ${upstreams.join("\n    ")}`;
}

interface Raw {
  status: number;
  head: string;
  body: string;
  bytes: number;
}

/** One request on a fresh connection (Connection: close), as the client receives it. */
async function raw(port: number, path: string, host = "main"): Promise<Raw> {
  const bytes = await rawHttp(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  const text = bytes.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const head = end < 0 ? text : text.slice(0, end);
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1] ?? 0);
  return { status, head, body: end < 0 ? "" : text.slice(end + 4), bytes: bytes.length };
}

const LEVELS = /\[(error|crit|alert|emerg)\]/;
/** What the master logs when a worker dies: a signal, or exit code 1 after an ASan report. */
const WORKER_DIED = /exited on signal|exited with code [1-9]/;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** 256 KiB of text: nginx reads it into the body filter in several chunks. */
const BIG = "0123456789abcdef".repeat(16 * 1024);

for (const variant of [
  { name: "module", asan: false },
  { name: "ASan module", asan: true },
]) {
  describe(`fault matrix, ${variant.name}: ${FAULTS.length} faults × ${PHASES.length} phases`, () => {
    let ngx: Nginx;
    let worker: number;

    beforeAll(async () => {
      ngx = await Nginx.create(variant.asan ? "faults-asan" : "faults", { asan: variant.asan });
      ngx.addFile(GUEST, await faultGuest());
      ngx.addFile("html/big.txt", BIG);
      await ngx.start(matrixConfig(ngx.listen()));
      [worker] = ngx.workerPids();
      expect((await raw(ngx.port, "/ok")).body).toBe("ok\n");
    }, 300_000);

    afterAll(async () => {
      await ngx?.stop();
    });

    if (variant.asan) {
      it("the worker runs the ASan module with libasan loaded", () => {
        const maps = readFileSync(`/proc/${worker}/maps`, "utf8");
        expect(maps).toContain(libasan());
        expect(maps).toContain(MODULE_ASAN_SO);
      });

      it("canary: ASan preloaded into an uninstrumented program reports a double free to log_path", async () => {
        // what a bug in the module would look like from nginx: the same
        // preload and options, one report file named <log_path>.<pid>
        const dir = mkdtempSync(join(tmpdir(), "ngxwasm-asan-canary-"));
        writeFileSync(join(dir, "canary.c"), "#include <stdlib.h>\nint main(void) { char *volatile p = malloc(8); free(p); free(p); return 0; }\n");
        await promisify(execFile)("cc", ["-O0", "-o", join(dir, "canary"), join(dir, "canary.c")]);
        const exit = await promisify(execFile)(join(dir, "canary"), [], { env: asanEnv(join(dir, "asan")) }).then(
          () => 0,
          (e: { code?: number }) => e.code,
        );
        expect(exit).toBe(1);
        const reports = readdirSync(dir).filter((f) => f.startsWith("asan."));
        expect(reports).toHaveLength(1);
        expect(readFileSync(join(dir, reports[0]!), "utf8")).toMatch(/ERROR: AddressSanitizer: attempting double-free/);
      });
    }

    for (const phase of PHASES) {
      for (const fault of FAULTS) {
        const exp = fault.exportFor(phase);
        it(`${phase} × ${fault.kind}`, async () => {
          const mark = ngx.logSize();
          const res =
            phase === "server_rewrite"
              ? await raw(ngx.port, "/", `${fault.kind}.server-rewrite`)
              : await raw(ngx.port, `/${phase}/${fault.kind}`);

          if (phase === "log") {
            // the response was complete before the log phase ran
            expect(res.status).toBe(200);
            expect(res.body).toBe("logged\n");
          } else if (phase === "body_filter") {
            // the header is sent (the module flushes it out of nginx's
            // write filter before cutting), then the connection closes: a
            // 200 whose chunked body never ends, without the filtered bytes
            expect(res.status).toBe(200);
            expect(res.head).toMatch(/^Transfer-Encoding: chunked$/im);
            expect(res.body).not.toContain("body\n");
            expect(res.body).not.toMatch(/(^|\r\n)0\r\n\r\n$/);
          } else if (phase === "balancer") {
            // no server was chosen: the proxy's bad gateway, and no retry
            expect(res.status).toBe(502);
          } else {
            expect(res.status).toBe(500);
          }

          // the guest's path as nginx resolved it against the prefix; nginx
          // adds what it was doing to lines of the log and balancer phases
          const doing = phase === "log" ? " while logging request" : phase === "balancer" ? " while connecting to upstream" : "";
          const want = `wasm: guest "${ngx.prefix}/${GUEST}" export "${exp}" (phase ${phase}) ${fault.logFor(phase)}${doing}, client: `;
          const line = await ngx.waitForLog(new RegExp(escapeRe(want)), mark);

          // the same worker serves the next request
          const next = await raw(ngx.port, "/ok");
          expect(next.status).toBe(200);
          expect(next.body).toBe("ok\n");
          expect(ngx.workerPids()).toEqual([worker]);

          const log = ngx.errorLogSince(mark);
          expect(log).not.toMatch(WORKER_DIED);
          // exactly one line at error level or above: the one about this fault
          expect(log.split("\n").filter((l) => LEVELS.test(l))).toEqual([line]);
        });
      }
    }

    it("a body filter failing after part of the response went out: 200, a chunked body without its end", async () => {
      const mark = ngx.logSize();
      const res = await raw(ngx.port, "/big.txt");
      expect(res.status).toBe(200);
      expect(res.head).toMatch(/^Transfer-Encoding: chunked$/im);
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body.length).toBeLessThan(BIG.length);
      expect(res.body).not.toMatch(/\r\n0\r\n\r\n$/); // no last chunk: the client knows it is incomplete
      const line = await ngx.waitForLog(
        new RegExp(escapeRe(`guest "${ngx.prefix}/${GUEST}" export "fail_second_chunk" (phase body_filter) trapped: unreachable executed`)),
        mark,
      );
      expect((await raw(ngx.port, "/ok")).body).toBe("ok\n");
      expect(ngx.workerPids()).toEqual([worker]);
      expect(ngx.errorLogSince(mark).split("\n").filter((l) => LEVELS.test(l))).toEqual([line]);
    });

    it("the worker is idle afterwards (nothing left spinning), stops cleanly, was never replaced; zero ASan reports", async () => {
      const cpu = (): number => {
        const t = ngx.procStat(worker);
        return t.utime + t.stime;
      };
      const before = cpu();
      await new Promise((r) => setTimeout(r, 500));
      // clock ticks (1/100 s): a worker still running a guest or re-posting a yield would use ~50
      expect(cpu() - before).toBeLessThan(10);
      await ngx.stop();
      const log = ngx.errorLog();
      expect(log).not.toMatch(WORKER_DIED);
      expect(log).not.toMatch(/\[(alert|emerg)\]/);
      expect(log.match(/start worker process \d+/g)).toHaveLength(1);
      if (variant.asan) expect(ngx.asanReports()).toEqual([]);
    });
  });
}
