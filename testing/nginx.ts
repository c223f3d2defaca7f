// A real nginx for end-to-end tests of guests: the nginx on this machine
// with the ngxwasm module, a private prefix, free loopback ports, and a
// generated nginx.conf around the http-block text a test supplies.
//
//   const ngx = await Nginx.create("hello", { modulePath: "build/module/ngx_http_wasm_module.so" });
//   const wasm = ngx.addGuest("hello", "build/hello.wasm");           // "wasm/hello.wasm"
//   await ngx.start(`server { listen ${ngx.listen()}; location / { content_by_wasm ${wasm} on_content; } }`);
//   const res = await ngx.get("/");                                    // { status, headers, body, text }
//   await ngx.stop();                                                  // in afterAll; never leaves a process behind
//
// serveGuests() (serve.ts) does all of it for a list of guests. nginx runs
// with `daemon off` as a child of the test process, in its own process group,
// so a crashed test run can still kill master and workers. Prefixes (config,
// error.log, compiled guests) stay for post-mortems and are swept an hour
// later by the next create() in the same directory.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** The nginx binary: $NGINX, else Debian's /usr/sbin/nginx, else `nginx` on the PATH. */
export const NGINX_BIN = process.env.NGINX ?? (existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx");
/** Where prefixes go unless NginxOptions.dir says otherwise. */
export const DEFAULT_NGINX_DIR = join(tmpdir(), "ngxwasm-nginx");

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
  /** The ngx_http_wasm_module.so to load (`ngxwasm module build` prints where it is); required unless `module: false`. */
  modulePath?: string;
  /** Directory holding the prefixes (default DEFAULT_NGINX_DIR, under the system's temporary directory). */
  dir?: string;
  /** The environment nginx (and `nginx -t`) runs with, given the prefix (default: this process's). */
  env?: (prefix: string) => NodeJS.ProcessEnv;
  /** Number of free ports to reserve (ngx.port, ngx.ports[i]); default 1. */
  ports?: number;
  /** worker_processes; default 1. */
  workers?: number;
  /** load_module our module (default true; false for plain-nginx tests). */
  module?: boolean;
  /** Directives for the main (top-level) context. */
  main?: string;
}

export interface CommandResult {
  ok: boolean;
  /** stdout + stderr of the nginx command. */
  output: string;
}

/** Remove test prefixes of earlier runs (older than an hour). */
function sweepOldPrefixes(parent: string): void {
  for (const name of readdirSync(parent)) {
    const dir = join(parent, name);
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

  protected constructor(
    /** The nginx prefix (-p): relative paths in the config resolve against it. */
    readonly prefix: string,
    readonly ports: number[],
    private readonly options: NginxOptions,
  ) {}

  /** A fresh prefix <dir>/<label>-XXXXXX and free ports. Throws when the module to load does not exist. */
  static async create(label: string, options: NginxOptions = {}): Promise<Nginx> {
    const { prefix, ports } = await Nginx.reserve(label, options);
    return new Nginx(prefix, ports, options);
  }

  /** The prefix and ports of a new instance (for subclasses' create()). */
  protected static async reserve(label: string, options: NginxOptions): Promise<{ prefix: string; ports: number[] }> {
    if (options.module ?? true) {
      if (!options.modulePath) throw new Error("Nginx.create(): no modulePath — pass the ngx_http_wasm_module.so that `ngxwasm module build` built, or module: false");
      if (!existsSync(options.modulePath)) {
        throw new Error(`Nginx.create(): the module ${options.modulePath} does not exist — build it with \`npx ngxwasm module build --out ${dirname(options.modulePath)}\``);
      }
    }
    const parent = resolve(options.dir ?? DEFAULT_NGINX_DIR);
    mkdirSync(parent, { recursive: true });
    sweepOldPrefixes(parent);
    const prefix = mkdtempSync(join(parent, `${label}-`));
    for (const d of ["tmp", "wasm", "html"]) mkdirSync(join(prefix, d), { recursive: true });
    const ports: number[] = [];
    while (ports.length < (options.ports ?? 1)) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    return { prefix, ports };
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
    const moduleLine = this.options.module ?? true ? `load_module ${resolve(this.options.modulePath!)};\n` : "";
    const userLine = process.getuid?.() === 0 ? "user root;\n" : "";
    return `# generated by ngxwasm/testing (Nginx)
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

  /** The environment nginx runs with: options.env(prefix), else the test process's. */
  env(): NodeJS.ProcessEnv {
    return this.options.env ? this.options.env(this.prefix) : process.env;
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
