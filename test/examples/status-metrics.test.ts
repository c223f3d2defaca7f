// The status-metrics example: its log handler counts responses by status
// class in labelled counters (responses_total{class="2xx"}, …), which a
// `wasm_metrics;` location serves. The same declarations on both hosts; in
// nginx with two workers the counts are the sums over both; and the nginx/
// tree that `make start` serves installs it at /status/ and serves /metrics.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { Host, type Guest, type MetricDeclarations } from "../../host/index.js";
import { ensureCliBuilt, runCli } from "../cli/cli.js";
import { buildGuest } from "../support/guests.js";
import { metricDirectives } from "../support/metrics.js";
import { Nginx, type HttpResponse } from "../support/nginx.js";

/** As nginx/nginx.conf declares them. */
const DECLARED: MetricDeclarations = {
  counters: [
    { name: 'responses_total{class="1xx"}', help: "Responses by status class, counted by the status-metrics guest" },
    ...["2xx", "3xx", "4xx", "5xx"].map((c) => `responses_total{class="${c}"}`),
  ],
};

/** The exposition for these counts of classes 1xx..5xx. */
const exposition = (counts: [number, number, number, number, number]): string =>
  [
    "# HELP responses_total Responses by status class, counted by the status-metrics guest",
    "# TYPE responses_total counter",
    ...counts.map((n, i) => `responses_total{class="${i + 1}xx"} ${n}`),
    "",
  ].join("\n");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The log phase runs after the response went out: poll /metrics until it shows `want` (or give up and return what it shows). */
async function metricsSettle(ngx: Nginx, want: string): Promise<string> {
  let text = "";
  for (let i = 0; i < 250; i++) {
    text = (await ngx.get("/metrics")).text;
    if (text === want) break;
    await sleep(20);
  }
  return text;
}

describe("status-metrics example: in-process host", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host({ metrics: DECLARED });
    guest = await host.load(await buildGuest("guests/status-metrics"));
  });

  it("on_content answers /status/<code> with that status; anything else is 400", async () => {
    const r = await host.run(guest, { phase: "content", request: { uri: "/status/404" } });
    expect(r.status).toBe(404);
    expect(r.body).toBe("status 404\n");
    for (const uri of ["/status/abc", "/status/199", "/status/600", "/status/2.5", "/status/"]) {
      const bad = await host.run(guest, { phase: "content", request: { uri } });
      expect(bad.status, uri).toBe(400);
    }
  });

  it("on_log counts the status that was sent by its class", async () => {
    for (const status of [200, 204, 301, 404, 404, 499, 503, 101]) {
      const r = await host.run(guest, { phase: "log", response: { status } });
      expect(r.ok, `${status}: ${r.error}`).toBe(true);
    }
    expect(host.metrics.prometheus()).toBe(exposition([1, 2, 1, 3, 1]));
  });
});

describe("status-metrics example: nginx, 2 workers", () => {
  let ngx: Nginx;
  beforeAll(async () => {
    ngx = await Nginx.create("status-metrics", { workers: 2 });
    const wasm = ngx.addGuest("status-metrics", await buildGuest("guests/status-metrics"));
    await ngx.start(`
    wasm_metrics_zone metrics 64k;
    ${metricDirectives(DECLARED)}
    log_format pid $pid;
    server {
        listen ${ngx.listen()};
        location = /metrics { wasm_metrics; }
        location /status/ {
            access_log pids.log pid;
            content_by_wasm ${wasm} on_content;
            log_by_wasm     ${wasm} on_log;
        }
    }`);
  });
  afterAll(async () => {
    await ngx?.stop();
  });

  it("requests over many connections to both workers: /metrics shows the sums, by class", async () => {
    const statuses: number[] = [];
    const pids = (): string[] => ngx.readFile("pids.log").trim().split("\n").filter(Boolean);
    // 8 clients at a time, each request on a fresh connection, 3 to /status/200 for 1 to
    // /status/404; at least 400 requests, and on until both workers have served some
    while (statuses.length < 400 || (new Set(pids()).size < 2 && statuses.length < 4000)) {
      const batch: HttpResponse[] = await Promise.all(
        Array.from({ length: 8 }, (_, k) => ngx.get(k % 4 === 3 ? "/status/404" : "/status/200")),
      );
      statuses.push(...batch.map((r) => r.status));
    }
    const ok = statuses.filter((s) => s === 200).length;
    const missing = statuses.filter((s) => s === 404).length;
    expect(ok + missing).toBe(statuses.length);
    expect(await metricsSettle(ngx, exposition([0, ok, 0, missing, 0]))).toBe(exposition([0, ok, 0, missing, 0]));
    for (let i = 0; i < 100 && pids().length < statuses.length; i++) await sleep(20); // the access log is written in the log phase too
    expect(pids()).toHaveLength(statuses.length);
    expect(new Set(pids()).size, "both workers served some of the requests").toBe(2);
    expect(new Set(pids())).toEqual(new Set(ngx.workerPids().map(String)));
  });
});

describe("status-metrics example: the nginx/ tree of `make start`", () => {
  let ngx: Nginx;
  const tree = join(projectRoot(), "nginx");
  let http: string;
  beforeAll(async () => {
    await ensureCliBuilt();
    ngx = await Nginx.create("status-metrics-tree");
    cpSync(join(tree, "html"), join(ngx.prefix, "html"), { recursive: true });
    for (const d of ["run/tmp", "conf.d"]) ngx.addFile(`${d}/.keep`, "");
    // the http block of nginx/nginx.conf, on a free port, without the lines the harness writes itself
    const conf = readFileSync(join(tree, "nginx.conf"), "utf8");
    http = conf
      .slice(conf.indexOf("\nhttp {") + "\nhttp {".length, conf.lastIndexOf("}"))
      .split("\n")
      .filter((l) => !/^\s*(wasm_cache_path|\w+_temp_path)\s/.test(l))
      .join("\n")
      .replace("listen 127.0.0.1:18080;", `listen ${ngx.listen()};`);
    expect(http).toContain(`listen ${ngx.listen()};`);
  });
  afterAll(async () => {
    await ngx?.stop();
  });

  it("start.sh's install of status-metrics at /status/; curl /status/404 then /metrics shows it counted", async () => {
    const start = readFileSync(join(tree, "start.sh"), "utf8");
    expect(start).toContain('LOCATION[status-metrics]=/status/; PHASES[status-metrics]="content:on_content log:on_log"');
    const wasm = await buildGuest("guests/status-metrics");
    const install = await runCli([
      "install", wasm, "--host", "nginx", "--tree", ngx.prefix, "--name", "status-metrics",
      "--location", "/status/", "--phase", "content:on_content", "--phase", "log:on_log",
    ]);
    expect(install.code, install.stderr).toBe(0);
    await ngx.start(http);
    expect((await ngx.get("/status/404")).status).toBe(404);
    expect((await ngx.get("/status/200")).text).toBe("status 200\n");
    const want = exposition([0, 1, 0, 1, 0]);
    expect(await metricsSettle(ngx, want)).toBe(want);
    expect((await ngx.get("/metrics")).headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
  });
});
