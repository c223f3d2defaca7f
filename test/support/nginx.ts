// A real nginx for end-to-end tests: the packaged /usr/sbin/nginx with our
// module, a private prefix under build/nginx-tests/, free loopback ports, and
// a generated nginx.conf around the http-block text a test supplies.
//
//   const ngx = await Nginx.create("directives");      // prefix + one free port
//   const wasm = ngx.addGuest("hello", await buildGuest("guests/hello"));   // "wasm/hello.wasm"
//   await ngx.start(`server { listen ${ngx.listen()}; location / { content_by_wasm ${wasm} on_content; } }`);
//   const res = await ngx.get("/");                      // { status, headers, body, text }
//   await ngx.stop();                                    // in afterAll; never leaves a process behind
//
// nginx runs with `daemon off` as a child of the test process, in its own
// process group, so a crashed test run can still kill master and workers.
// Prefixes (config, error.log, compiled guests) stay for post-mortems and are
// swept an hour later by the next create().
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../../host-abi/generate.js";

const execFileP = promisify(execFile);

export const NGINX_BIN = process.env.NGINX ?? (existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx");
export const MODULE_SO = join(projectRoot(), "build", "module", "ngx_http_wasm_module.so");
/** The AddressSanitizer build of the module (`build.sh build/module-asan --asan`); see ensureAsanModule. */
export const MODULE_ASAN_SO = join(projectRoot(), "build", "module-asan", "ngx_http_wasm_module.so");
const TESTS_DIR = join(projectRoot(), "build", "nginx-tests");

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it for nginx). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

// ------------------------------------------------------------------ module build

/**
 * Run nginx/module/build.sh with `args` once per test process, under a lock
 * directory `build/<lockName>`: test files run in parallel workers, and two
 * builds of one tree at once would corrupt it. A lock older than five
 * minutes is left over from a killed run.
 */
async function buildModuleLocked(lockName: string, args: string[], what: string): Promise<void> {
  const lock = join(projectRoot(), "build", lockName);
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(200);
    }
  }
  try {
    await execFileP("bash", ["nginx/module/build.sh", ...args], { cwd: projectRoot(), maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`building ${what} failed:\n${err.stdout ?? ""}${err.stderr ?? err.message}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let moduleBuilt: Promise<void> | undefined;

/**
 * Bring build/module/ngx_http_wasm_module.so up to date, as `make module`
 * does (`bash nginx/module/build.sh build/module`; incremental, ~0.1 s when
 * nothing changed).
 */
export function ensureModule(): Promise<void> {
  moduleBuilt ??= buildModuleLocked("module.lock", ["build/module"], "the nginx module");
  return moduleBuilt;
}

let asanModuleBuilt: Promise<void> | undefined;

/**
 * Bring build/module-asan/ngx_http_wasm_module.so up to date: the module
 * built with -fsanitize=address in its own nginx tree (build/nginx-src-asan,
 * so build/nginx-src, which ensureModule() uses, is never reconfigured).
 * Its own lock: the two builds touch different trees. The first build takes
 * ~10 s (copy + configure + compile), later ones only what changed.
 */
export function ensureAsanModule(): Promise<void> {
  asanModuleBuilt ??= buildModuleLocked("module-asan.lock", ["build/module-asan", "--asan"], "the ASan nginx module");
  return asanModuleBuilt;
}

let libasanPath: string | undefined;

/**
 * The shared libasan of the cc that builds the module (Debian 12's gcc 12:
 * /usr/lib/x86_64-linux-gnu/libasan.so.8, package libasan8), or $LIBASAN.
 * The packaged nginx is not instrumented, so the runtime has to come first
 * in the process: LD_PRELOAD.
 */
export function libasan(): string {
  if (libasanPath) return libasanPath;
  const fromEnv = process.env.LIBASAN;
  if (fromEnv) return (libasanPath = fromEnv);
  // cc names its development symlink (…/gcc/x86_64-linux-gnu/12/libasan.so); resolve it to the runtime
  const named = execFileSync("cc", ["-print-file-name=libasan.so"], { encoding: "utf8" }).trim();
  if (!named.startsWith("/") || !existsSync(named)) throw new Error(`cc does not know libasan.so (${named}): install libasan8`);
  return (libasanPath = realpathSync(named));
}

/**
 * The environment for an uninstrumented program (the packaged nginx) that
 * loads ASan-instrumented code: the test process's, plus libasan preloaded
 * and ASAN_OPTIONS writing each report to `<logPath>.<pid>`.
 * Leak detection is off: nginx frees its cycle and pools only partly at
 * exit, by design (the process ends anyway), so LeakSanitizer would report
 * every worker; use-after-free, heap overflows and double or invalid frees
 * are what the fault campaign is after. abort_on_error=0: a report ends the
 * process with exit code 1 (no core dump), which the master logs as
 * "exited with code 1" before it starts another worker.
 * The tools the module spawns at configuration time (wasm2c, cc) inherit
 * the preload, harmlessly: they are not instrumented and only run on ASan's
 * allocator.
 */
export function asanEnv(logPath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LD_PRELOAD: libasan(),
    ASAN_OPTIONS: `log_path=${logPath}:detect_leaks=0:abort_on_error=0`,
  };
}

// ------------------------------------------------------------------ HTTP client

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", " (set-cookie: first). */
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/** One HTTP/1.1 request on a fresh connection (no keep-alive, so reloads never wait for idle clients). */
export function httpFetch(url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        }
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers, body, text: body.toString("utf8") });
      });
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/**
 * Send `request` as raw bytes on a fresh connection and return every byte the
 * server sent until it closed (send `Connection: close`): what a client
 * really receives, before any HTTP parser tidies it up.
 */
export function rawHttp(port: number, request: string | Buffer, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // write, not end: nginx treats a half-closed client as gone (499 on proxied requests)
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`raw request to port ${port} timed out`)));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

// ------------------------------------------------------------------ nginx

export interface NginxOptions {
  /** Number of free ports to reserve (ngx.port, ngx.ports[i]); default 1. */
  ports?: number;
  /** worker_processes; default 1. */
  workers?: number;
  /** load_module our module (default true; false for plain-nginx tests). */
  module?: boolean;
  /** Directives for the main (top-level) context. */
  main?: string;
  /**
   * Load the AddressSanitizer build of the module (MODULE_ASAN_SO) and run
   * nginx (and `nginx -t`) with LD_PRELOAD=libasan and ASAN_OPTIONS that
   * write reports to <prefix>/asan.<pid>: read them with asanReports().
   */
  asan?: boolean;
}

export interface CommandResult {
  ok: boolean;
  /** stdout + stderr of the nginx command. */
  output: string;
}

/** Remove test prefixes of earlier runs (older than an hour). */
function sweepOldPrefixes(): void {
  for (const name of readdirSync(TESTS_DIR)) {
    const dir = join(TESTS_DIR, name);
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 3_600_000) rmSync(dir, { recursive: true, force: true });
  }
}

// Last resort if a test file ends without reaching afterAll: kill every nginx
// process group this process started (master and workers), on exit and on
// the SIGTERM with which vitest ends its worker processes. One set and one
// pair of hooks per process, however many test files load this module.
const RUNNING_KEY = Symbol.for("ngxwasm.test.nginx.running");
const registry = globalThis as unknown as Record<symbol, Set<ChildProcess> | undefined>;
const running: Set<ChildProcess> = (registry[RUNNING_KEY] ??= (() => {
  const set = new Set<ChildProcess>();
  const killAll = (): void => {
    for (const child of set) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    set.clear();
  };
  process.once("exit", killAll);
  process.once("SIGTERM", () => {
    killAll();
    process.kill(process.pid, "SIGTERM"); // our listener is gone: default action, exit
  });
  return set;
})());

export class Nginx {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private stderr = "";
  private httpBlock = "";

  private constructor(
    /** The nginx prefix (-p): relative paths in the config resolve against it. */
    readonly prefix: string,
    readonly ports: number[],
    private readonly options: NginxOptions,
  ) {}

  /** A fresh prefix under build/nginx-tests/<label>-XXXXXX and free ports; builds the module if needed. */
  static async create(label: string, options: NginxOptions = {}): Promise<Nginx> {
    if (options.module ?? true) await (options.asan ? ensureAsanModule() : ensureModule());
    mkdirSync(TESTS_DIR, { recursive: true });
    sweepOldPrefixes();
    const prefix = mkdtempSync(join(TESTS_DIR, `${label}-`));
    for (const d of ["tmp", "wasm", "html"]) mkdirSync(join(prefix, d), { recursive: true });
    const ports: number[] = [];
    while (ports.length < (options.ports ?? 1)) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    return new Nginx(prefix, ports, options);
  }

  get port(): number {
    return this.ports[0]!;
  }

  /** `127.0.0.1:<port>` for a `listen` directive. */
  listen(i = 0): string {
    return `127.0.0.1:${this.ports[i]}`;
  }

  url(path: string, i = 0): string {
    return `http://127.0.0.1:${this.ports[i]}${path}`;
  }

  get errorLogPath(): string {
    return join(this.prefix, "error.log");
  }

  get configPath(): string {
    return join(this.prefix, "nginx.conf");
  }

  /** Write a file into the prefix (bytes, text, or a copy of an existing file); returns its prefix-relative path. */
  addFile(rel: string, content: string | Uint8Array | { copyFrom: string }): string {
    const dest = join(this.prefix, rel);
    mkdirSync(dirname(dest), { recursive: true });
    if (typeof content === "object" && "copyFrom" in content) copyFileSync(content.copyFrom, dest);
    else writeFileSync(dest, content);
    return rel;
  }

  /** Copy a built guest into <prefix>/wasm/<name>.wasm; returns the path to use in a directive. */
  addGuest(name: string, wasmPath: string): string {
    return this.addFile(`wasm/${name}.wasm`, { copyFrom: wasmPath });
  }

  /** The full generated configuration around `http` (the inside of the http block). */
  renderConfig(http: string): string {
    const moduleLine = this.options.module ?? true ? `load_module ${this.options.asan ? MODULE_ASAN_SO : MODULE_SO};\n` : "";
    const userLine = process.getuid?.() === 0 ? "user root;\n" : "";
    return `# generated by test/support/nginx.ts
${moduleLine}${userLine}daemon off;
master_process on;
worker_processes ${this.options.workers ?? 1};
pid nginx.pid;
error_log error.log info;
${this.options.main ?? ""}
events {
    worker_connections 256;
}

http {
    access_log off;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
${this.options.module ?? true ? "    wasm_cache_path wasm_cache;\n" : ""}
${http}
}
`;
  }

  /** Write nginx.conf with `http` as the inside of the http block (server blocks etc.). */
  configure(http: string): this {
    this.httpBlock = http;
    writeFileSync(this.configPath, this.renderConfig(http));
    return this;
  }

  /** The environment nginx runs with: the test process's, plus asanEnv() under `asan`. */
  env(): NodeJS.ProcessEnv {
    return this.options.asan ? asanEnv(join(this.prefix, "asan")) : process.env;
  }

  /** Under `asan`: the reports AddressSanitizer wrote (<prefix>/asan.*), one string per file; [] when clean. */
  asanReports(): string[] {
    return readdirSync(this.prefix)
      .filter((f) => f.startsWith("asan."))
      .sort()
      .map((f) => `${f}:\n${readFileSync(join(this.prefix, f), "utf8")}`);
  }

  private args(...extra: string[]): string[] {
    return ["-p", `${this.prefix}/`, "-c", "nginx.conf", ...extra];
  }

  /** `nginx -t` on the current configuration. */
  async test(): Promise<CommandResult> {
    try {
      const { stdout, stderr } = await execFileP(NGINX_BIN, this.args("-t"), { timeout: 120_000, env: this.env() });
      return { ok: true, output: stdout + stderr };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      return { ok: false, output: (err.stdout ?? "") + (err.stderr ?? err.message) };
    }
  }

  /** Configure (when `http` is given) and start; resolves once every worker runs and the ports accept. */
  async start(http?: string): Promise<this> {
    if (http !== undefined) this.configure(http);
    if (!this.httpBlock) throw new Error("Nginx.start(): call configure() first");
    if (this.child) throw new Error("nginx already running");
    const logMark = this.logSize();
    this.stderr = "";
    // -e: messages logged while the configuration is read (the module's compile
    // notices, emerg lines) go to the same error.log as everything after.
    const child = spawn(NGINX_BIN, this.args("-e", "error.log"), { detached: true, stdio: ["ignore", "pipe", "pipe"], env: this.env() });
    child.stdout!.on("data", (c: Buffer) => (this.stderr += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    this.child = child;
    running.add(child);
    let code: number | null | undefined;
    void this.exited.then((c) => (code = c));
    const workers = this.options.workers ?? 1;
    const deadline = Date.now() + 60_000;
    while (count(this.errorLogSince(logMark), /start worker process \d+/g) < workers) {
      if (code !== undefined) {
        this.forget();
        throw new Error(`nginx exited (code ${code}) while starting:\n${this.stderr}${this.errorLogSince(logMark)}`);
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`nginx did not start within 60s:\n${this.stderr}${this.errorLogSince(logMark)}`);
      }
      await sleep(20);
    }
    return this;
  }

  private forget(): void {
    if (this.child) running.delete(this.child);
    this.child = undefined;
    this.exited = undefined;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Graceful stop (SIGQUIT), SIGKILL to the process group after 10 s. Safe to call when not running. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    try {
      process.kill(child.pid!, "SIGQUIT");
    } catch {
      /* already exited */
    }
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(10_000).then(() => true)]);
    try {
      // Workers of a master that died abnormally would keep the port: kill the group.
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* group already gone */
    }
    if (timedOut) await this.exited;
    this.forget();
  }

  /** Worker pids of the running master. */
  workerPids(): number[] {
    const pid = this.child?.pid;
    if (!pid) return [];
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** CPU time (clock ticks) of a process, from /proc/<pid>/stat. */
  procStat(pid: number): { utime: number; stime: number } {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { utime: Number(fields[11]), stime: Number(fields[12]) };
  }

  /** Resident set size (VmRSS, KiB) of a process, from /proc/<pid>/status. */
  rssKiB(pid: number): number {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
    return Number(m[1]);
  }

  /** A file under the prefix (e.g. an access log), "" when it does not exist yet. */
  readFile(rel: string): string {
    const path = join(this.prefix, rel);
    return existsSync(path) ? readFileSync(path, "utf8") : "";
  }

  /**
   * Reload (SIGHUP) after an optional configure(); resolves when the new
   * workers run and the old ones have exited. A configuration the master
   * rejects gives ok: false and the master keeps serving the old one.
   */
  async reload(http?: string): Promise<CommandResult> {
    if (!this.child) throw new Error("nginx is not running");
    if (http !== undefined) this.configure(http);
    const mark = this.logSize();
    const oldWorkers = this.workerPids();
    process.kill(this.child.pid!, "SIGHUP");
    const workers = this.options.workers ?? 1;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const log = this.errorLogSince(mark);
      if (/\[emerg\]/.test(log)) return { ok: false, output: log };
      if (count(log, /start worker process \d+/g) >= workers) break;
      if (Date.now() > deadline) return { ok: false, output: `reload timed out:\n${log}` };
      await sleep(20);
    }
    while (this.workerPids().some((p) => oldWorkers.includes(p))) {
      if (Date.now() > deadline) return { ok: false, output: `old workers did not exit:\n${this.errorLogSince(mark)}` };
      await sleep(20);
    }
    return { ok: true, output: this.errorLogSince(mark) };
  }

  /** Current size of the error log: pass it to errorLogSince() to see what a step logged. */
  logSize(): number {
    return statSync(this.errorLogPath, { throwIfNoEntry: false })?.size ?? 0;
  }

  errorLog(): string {
    return existsSync(this.errorLogPath) ? readFileSync(this.errorLogPath, "utf8") : "";
  }

  errorLogSince(mark: number): string {
    return this.errorLog().slice(mark);
  }

  /** Poll the error log (from `mark`) until `pattern` appears; returns the matching line. */
  async waitForLog(pattern: RegExp, mark = 0, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.errorLogSince(mark)
        .split("\n")
        .find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline) throw new Error(`no error-log line matching ${pattern} within ${timeoutMs} ms:\n${this.errorLogSince(mark)}`);
      await sleep(25);
    }
  }

  /** A request to this nginx (port index `port`, default the first). */
  fetch(path: string, opts: RequestOptions & { port?: number } = {}): Promise<HttpResponse> {
    return httpFetch(this.url(path, opts.port ?? 0), opts);
  }

  get(path: string, headers?: Record<string, string>): Promise<HttpResponse> {
    return this.fetch(path, { headers });
  }
}

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
