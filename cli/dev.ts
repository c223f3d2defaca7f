// `ngxwasm dev`: build the guests, serve them on localhost, and on every
// save of a source they compile from, rebuild (in this process, through
// cli/build.ts), validate and serve the new build — through real nginx with
// this project's module when it is there (dev-nginx.ts), else through the
// in-process host (dev-ts.ts). A build that fails is printed and the last
// good one keeps serving.
//
// asc has no incremental compilation (each run parses and compiles the
// program anew), so what is incremental here is the choice of guests: a
// save rebuilds only the guests that read the saved file.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import type { Phase } from "../host-abi/tables.js";
import { Metrics } from "../host/metrics.js";
import { validateFile } from "../host/validate.js";
import { buildGuests, resolveEntry } from "./build.js";
import { parseHandlers } from "./nginx-conf.js";
import { findNginx, NginxDevServer } from "./dev-nginx.js";
import { DevServeError, isServerLevel, serverUrl, type DevGuest, type DevMetrics, type DevServer } from "./dev-server.js";
import { TsDevServer } from "./dev-ts.js";
import { SourceWatcher } from "./dev-watch.js";
import { displayPath, err, out, UsageError } from "./format.js";

export type HostMode = "auto" | "nginx" | "ts";
export const HOST_MODES: readonly HostMode[] = ["auto", "nginx", "ts"];

/** The phases a dev server can serve: those of an HTTP server block and its locations. */
export const DEV_PHASES: readonly Phase[] = ["server_rewrite", "rewrite", "access", "content", "header_filter", "body_filter", "log"];

export interface DevOptions {
  port: number;
  /** The address to listen on. */
  host: string;
  hostMode: HostMode;
  /** The nginx module (.so); default build/module/ngx_http_wasm_module.so. */
  module?: string;
  /** The nginx binary; default $NGINX, /usr/sbin/nginx, then $PATH. */
  nginx?: string;
  /** `[NAME=]PHASE[:EXPORT]`, repeatable (default content). */
  phase: string[];
  /** `[NAME=]PATH`, repeatable (default / for one guest, /<name> for several). */
  location: string[];
  origin?: string;
  /** Metric series to declare (wasm_counter / wasm_gauge), repeatable. */
  counter: string[];
  gauge: string[];
  /** Where the declared series are served (wasm_metrics), when there are any. */
  metricsLocation: string;
  /** Builds go to <outDir>/, the nginx prefix to <outDir>/nginx/. */
  outDir: string;
}

/** A guest of this session: what it is served as, and what it compiles from. */
interface SessionGuest extends DevGuest {
  /** The entry's source file. */
  file: string;
  /** Every file the compiler read on its latest build (its own sources, the SDK's it imports). */
  sources: Set<string>;
  /** Whether a good build is being served (at wasmPath). */
  served: boolean;
}

/** `--origin http://127.0.0.1:9000` → `http://127.0.0.1:9000` (proxy_pass without a URI part keeps the request's). */
export function parseOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new UsageError(`--origin "${origin}" is not a URL (e.g. --origin http://127.0.0.1:9000)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--origin "${origin}": only http:// and https:// origins can be proxied`);
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new UsageError(`--origin "${origin}": give the origin without a path (e.g. ${url.protocol}//${url.host}); requests keep their own path`);
  }
  return `${url.protocol}//${url.host}`;
}

/**
 * --counter/--gauge: the series, checked by the rules nginx -t applies (the
 * in-process host's Metrics shares them), or undefined when none is given.
 */
export function parseMetrics(options: Pick<DevOptions, "counter" | "gauge" | "metricsLocation">): DevMetrics | undefined {
  const counters = options.counter ?? [];
  const gauges = options.gauge ?? [];
  if (!counters.length && !gauges.length) return undefined;
  try {
    new Metrics({ counters, gauges });
  } catch (e) {
    // `wasm_counter "x{a=1}": labels are …` → `--counter "x{a=1}": labels are …`
    throw new UsageError((e as Error).message.replace(/^wasm_(counter|gauge) /, "--$1 "));
  }
  const location = options.metricsLocation;
  if (!/^\/[^\s{};]*$/.test(location)) throw new UsageError(`--metrics-location "${location}" is not a path (e.g. /metrics)`);
  return { counters, gauges, location };
}

/** The values of a `[NAME=]VALUE` option that apply to one guest. */
function valuesFor(values: string[], name: string): string[] {
  return values.flatMap((v) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.*)$/s.exec(v);
    if (!m) return [v];
    return m[1] === name ? [m[2]!] : [];
  });
}

function checkNamed(values: string[], names: string[], option: string): void {
  for (const v of values) {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=/.exec(v);
    if (m && !names.includes(m[1]!)) throw new UsageError(`${option} ${v}: there is no guest "${m[1]}" (guests: ${names.join(", ")})`);
  }
}

/** The guests to serve: names, locations, handlers (usage errors for what cannot be served). */
export function planGuests(entries: string[], options: Pick<DevOptions, "phase" | "location" | "outDir">): SessionGuest[] {
  const resolved = entries.map((entry) => ({ entry, ...resolveEntry(entry) }));
  const names = resolved.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`two guests are named "${twice}" — each guest needs its own name (its directory or file name)`);
  checkNamed(options.phase, names, "--phase");
  checkNamed(options.location, names, "--location");
  return resolved.map(({ entry, file, name }): SessionGuest => {
    const handlers = parseHandlers(valuesFor(options.phase, name), undefined);
    for (const h of handlers) {
      if (!DEV_PHASES.includes(h.phase.name)) {
        throw new UsageError(`${name}: phase ${h.phase.name} is not served by ngxwasm dev (it serves plain HTTP: ${DEV_PHASES.join(", ")}) — install it into an nginx tree with \`ngxwasm install\``);
      }
    }
    const locations = valuesFor(options.location, name);
    if (locations.length > 1) throw new UsageError(`${name}: --location is given ${locations.length} times — one location per guest`);
    if (locations.length && entries.length > 1 && !options.location.some((l) => l.startsWith(`${name}=`))) {
      throw new UsageError(`--location ${locations[0]}: there are ${entries.length} guests — say which one: --location ${name}=${locations[0]}`);
    }
    const location = locations[0] ?? (entries.length === 1 ? "/" : `/${name}`);
    if (!location.startsWith("/") || /[\s{};]/.test(location)) throw new UsageError(`--location "${location}" is not a location path (e.g. /hello)`);
    const guest: SessionGuest = {
      name,
      entry,
      file,
      wasmPath: join(resolve(options.outDir), `${name}.wasm`),
      location,
      handlers,
      sources: new Set([file]),
      served: false,
    };
    if (isServerLevel(guest) && locations.length) throw new UsageError(`${name}: --location does not apply to server_rewrite: it runs for every request of the server — drop --location`);
    return guest;
  });
}

/**
 * An asc diagnostic with a first line editors and terminals can jump to:
 * `guests/hello/index.ts:3:7: error TS1005: ';' expected.`, then asc's own
 * text (the source line, the caret) indented. asc names the file relative to
 * its base directory, not the working directory: `sources` (the files the
 * compiler read) give the real path.
 */
export function formatCompileError(diagnostic: string, sources: Iterable<string>): string {
  const head = /^ERROR (\w+): (.*)$/m.exec(diagnostic);
  const at = /in (.+)\((\d+),(\d+)\)\s*$/m.exec(diagnostic);
  if (!head || !at) return diagnostic.replace(/^/gm, "    ");
  // The first line says it all again; asc's source excerpt follows it.
  const indented = diagnostic.replace(/^ERROR .*\n/, "").replace(/^/gm, "    ");
  const named = at[1]!.split("/").join(sep);
  const file = [...sources].find((f) => f === named || f.endsWith(sep + named));
  return `${file ? displayPath(file) : at[1]}:${at[2]}:${at[3]}: error ${head[1]}: ${head[2]}\n${indented}`;
}

/** Whether two files exist and hold the same bytes. */
function sameFile(a: string, b: string): boolean {
  return existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));
}

/** `0.42 s`. */
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** "/ → hello (content_by_wasm on_content)". */
function describeGuest(g: DevGuest, url: string): string {
  const handlers = g.handlers.map((h) => `${h.phase.directive} ${h.exportName}`).join(", ");
  return isServerLevel(g) ? `  every request → ${g.name} (${handlers})` : `  ${url}${g.location} → ${g.name} (${handlers})`;
}

/** Runs until SIGINT or SIGTERM; 0 then, 1 when serving could not start. */
export async function runDev(entries: string[], options: DevOptions): Promise<number> {
  if (entries.length === 0) {
    if (!existsSync(join(process.cwd(), "index.ts"))) {
      throw new UsageError("no guest given and there is no index.ts here — pass a guest directory or .ts file (e.g. ngxwasm dev guests/hello)");
    }
    entries = ["."];
  }
  if (!HOST_MODES.includes(options.hostMode)) throw new UsageError(`--host-mode ${options.hostMode}: one of ${HOST_MODES.join(", ")}`);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new UsageError(`--port ${options.port} is not a TCP port (1-65535)`);
  const origin = options.origin === undefined ? undefined : parseOrigin(options.origin);
  const metrics = parseMetrics(options);
  const guests = planGuests(entries, options);
  const outDir = resolve(options.outDir);
  // New builds go here first; a build that is valid (and served) is copied to <outDir>/<name>.wasm.
  const candidateDir = join(outDir, "candidate");
  mkdirSync(candidateDir, { recursive: true });

  const server = chooseServer(options, origin, metrics, outDir);
  if (!server) return 1;
  // Ctrl-C or SIGTERM, from now on (also during the first build): stop cleanly, nginx included.
  const stopped = new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
      resolveStop();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });

  const validateFor = server.mode === "nginx" ? "nginx" : "ts";

  /** Build and validate each guest; returns those with a good new build (at their candidate path). */
  const build = async (batch: SessionGuest[]): Promise<SessionGuest[]> => {
    const good: SessionGuest[] = [];
    for (const g of batch) {
      const sources = new Set([g.file]);
      const [result] = await buildGuests([g.entry], { outDir: candidateDir, onSourceRead: (p) => sources.add(p) });
      g.sources = sources;
      if (!result?.ok) {
        for (const e of result?.errors ?? []) err(formatCompileError(e, sources));
        err(`${g.name}: build failed — ${g.served ? "still serving the previous build" : "not served until it builds"}`);
        continue;
      }
      const { problems } = await validateFile(result.wasmPath, {
        handlers: g.handlers.map((h) => ({ export: h.exportName, phase: h.phase.name })),
        host: validateFor,
        fileName: displayPath(result.wasmPath),
      });
      if (problems.length) {
        for (const p of problems) err(p.message);
        err(`${g.name}: the build has ${problems.length} problem${problems.length === 1 ? "" : "s"} for the ${validateFor} host — ${g.served ? "still serving the previous build" : "not served until it is fixed"}`);
        continue;
      }
      good.push(g);
    }
    return good;
  };

  /** Serve the good new builds with the others' last good ones; true when served. */
  const serve = async (fresh: SessionGuest[]): Promise<boolean> => {
    const candidate = (g: SessionGuest): DevGuest => ({ ...g, wasmPath: join(candidateDir, `${g.name}.wasm`) });
    const serving = guests.filter((g) => fresh.includes(g) || g.served).map((g) => (fresh.includes(g) ? candidate(g) : g));
    try {
      await server.serve(serving);
    } catch (e) {
      if (!(e instanceof DevServeError)) throw e;
      err(e.message);
      return false;
    }
    for (const g of fresh) {
      copyFileSync(join(candidateDir, `${g.name}.wasm`), g.wasmPath);
      g.served = true;
    }
    return true;
  };

  // Builds and serves run one at a time, in order: the first build, then a
  // rebuild for whatever was saved meanwhile (saves during a build are
  // gathered for the next one).
  let work: Promise<void> = Promise.resolve();
  let closed = false;
  let pending = new Set<SessionGuest>();
  let pendingSince = Infinity;
  let drainQueued = false;
  const watcher = new SourceWatcher((paths, firstChangeAt) => {
    const changed = guests.filter((g) =>
      paths.some((p) => g.sources.has(p) || (p.endsWith(".ts") && [...g.sources].some((s) => dirname(s) === dirname(p)))),
    );
    if (!changed.length) return;
    for (const g of changed) pending.add(g);
    pendingSince = Math.min(pendingSince, firstChangeAt);
    if (!drainQueued) {
      drainQueued = true;
      work = work.then(drain);
    }
  });
  const watchSources = () => watcher.watchFiles(guests.flatMap((g) => [...g.sources]));

  async function drain(): Promise<void> {
    drainQueued = false;
    while (pending.size && !closed) {
      const batch = guests.filter((g) => pending.has(g));
      const since = pendingSince;
      pending = new Set();
      pendingSince = Infinity;
      try {
        const buildStart = performance.now();
        const good = await build(batch);
        watchSources();
        // A save that does not change the module (a comment, a touch) needs no reload.
        const changed = good.filter((g) => !(g.served && sameFile(join(candidateDir, `${g.name}.wasm`), g.wasmPath)));
        const same = good.filter((g) => !changed.includes(g));
        if (same.length) out(`rebuilt ${same.map((g) => g.name).join(", ")} in ${seconds(performance.now() - since)}: the module is unchanged, nothing to reload`);
        const serveStart = performance.now();
        if (changed.length && (await serve(changed))) {
          // From the save to the new build being served; the parts say where the time went.
          const now = performance.now();
          const parts = `build ${seconds(serveStart - buildStart)}, ${validateFor === "nginx" ? "nginx reload" : "load"} ${seconds(now - serveStart)}`;
          out(`rebuilt ${changed.map((g) => g.name).join(", ")} in ${seconds(now - since)}, serving (${parts})`);
        }
      } catch (e) {
        // Whatever went wrong with this rebuild, the loop goes on with the next save.
        err(`ngxwasm dev: rebuilding ${batch.map((g) => g.name).join(", ")} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }

  const shutdown = async (): Promise<void> => {
    closed = true;
    watcher.close();
    await work;
    await server.stop();
  };

  // First build, then start serving (even with nothing built: the fixed guest is served when it builds).
  const started = performance.now();
  let up = false;
  work = (async () => {
    const firstGood = await build(guests);
    watchSources();
    if (firstGood.length) out(`built ${firstGood.map((g) => g.name).join(", ")} in ${seconds(performance.now() - started)}`);
    up = await serve(firstGood);
  })();
  await work;
  // The first serve() starts the server: if it fails, there is nothing to keep running.
  if (!up) {
    await shutdown();
    return 1;
  }
  const url = serverUrl(options.host, options.port);
  out(`serving through ${server.description}`);
  for (const g of guests) out(describeGuest(g, url));
  for (const g of guests) {
    if (!isServerLevel(g) && !origin && !g.handlers.some((h) => h.phase.name === "content")) {
      out(`  note: ${g.name} has no content handler and there is no --origin: its location answers 404 (give --origin URL for its filters to work on)`);
    }
  }
  if (metrics) {
    const n = metrics.counters.length + metrics.gauges.length;
    out(`  ${url}${metrics.location} → the ${n} declared metric series (--counter, --gauge), Prometheus text`);
  }
  if (origin) out(`  other paths → ${origin} (--origin)`);
  out(`watching ${watcher.directories.length} source director${watcher.directories.length === 1 ? "y" : "ies"}; Ctrl-C stops`);
  // One more build of a guest, thrown away, while nobody waits: V8 optimises the
  // compiler's code over its first runs, and the first save is then served sooner.
  const warm = guests.find((g) => g.served);
  if (warm) {
    work = work.then(async () => {
      if (!closed && !pending.size) await buildGuests([warm.entry], { outDir: join(outDir, "warm-up") }).catch(() => undefined);
    });
  }

  await stopped;
  out("ngxwasm dev: stopping");
  await shutdown();
  return 0;
}

/** nginx when asked for or found, else the in-process host; undefined (after a message) when nginx is required but missing or its prefix is in use. */
function chooseServer(options: DevOptions, origin: string | undefined, metrics: DevMetrics | undefined, outDir: string): DevServer | undefined {
  const common = { host: options.host, port: options.port, origin, metrics, out, err };
  if (options.hostMode !== "ts") {
    const found = findNginx({ nginx: options.nginx, module: options.module });
    if (found.ok) {
      const prefix = join(outDir, "nginx");
      const other = NginxDevServer.runningIn(prefix);
      if (other !== undefined) {
        err(`ngxwasm dev: nginx (pid ${other}) already runs from ${displayPath(prefix)}, another ngxwasm dev's — stop it, or give this one its own --out-dir`);
        return undefined;
      }
      return new NginxDevServer({ ...common, bin: found.bin, module: found.module, version: found.version, prefix });
    }
    if (options.hostMode === "nginx") {
      err(`ngxwasm dev: --host-mode nginx, but ${found.reason}`);
      return undefined;
    }
    out(`ngxwasm dev: not using nginx: ${found.reason}`);
  }
  return new TsDevServer(common);
}
