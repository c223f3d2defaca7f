// `ngxwasm dev` through real nginx with this project's module: a private
// prefix (nginx.conf, conf.d/, wasm/, error.log, the compiled-guest cache),
// each guest written there as `ngxwasm install` writes it (renderSnippet),
// nginx in the foreground as a child process in its own process group, and a
// reload after each rebuild. The reload is the SIGHUP that `nginx -s reload`
// sends, sent directly: `nginx -s` would first load the configuration itself,
// compiling every changed guest once more. The error log is tailed for the
// guests' `[wasm] ` lines and nginx's errors.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { projectRoot } from "../host-abi/generate.js";
import { renderSnippet } from "./nginx-conf.js";
import { DevServeError, guestLogLine, isServerLevel, serverUrl, type DevGuest, type DevServer, type DevServerOptions } from "./dev-server.js";
import { displayPath } from "./format.js";

export const MODULE_FILE = "ngx_http_wasm_module.so";

export type NginxFound = { ok: true; bin: string; module: string; version: string } | { ok: false; reason: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The nginx binary (--nginx, $NGINX, /usr/sbin/nginx, then $PATH) and the
 * module (--module, else build/module/ngx_http_wasm_module.so in the working
 * directory or in this project), or why they are not there.
 */
export function findNginx(options: { nginx?: string; module?: string }): NginxFound {
  const pathDirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const bins = options.nginx ? [options.nginx] : [process.env.NGINX, "/usr/sbin/nginx", ...pathDirs.map((d) => join(d, "nginx"))];
  const bin = bins.find((b): b is string => !!b && executable(b));
  if (!bin) {
    return { ok: false, reason: options.nginx ? `--nginx ${options.nginx} is not an executable file` : "no nginx binary (not at /usr/sbin/nginx nor in $PATH; apt-get install nginx, or pass --nginx PATH)" };
  }
  const modules = options.module ? [resolve(options.module)] : [resolve("build", "module", MODULE_FILE), join(projectRoot(), "build", "module", MODULE_FILE)];
  const module = modules.find((m) => existsSync(m));
  if (!module) {
    return {
      ok: false,
      reason: options.module
        ? `--module ${options.module} does not exist (build the module with \`make module\`)`
        : `the nginx module is not built (no ${displayPath(modules[modules.length - 1]!)}; run \`make module\` in the ngxwasm checkout, or pass --module PATH)`,
    };
  }
  // nginx -v writes its version to stderr.
  const version = spawnSync(bin, ["-v"], { encoding: "utf8" }).stderr.trim().replace(/^nginx version: /, "") || "nginx";
  return { ok: true, bin, module, version };
}

export interface NginxDevServerOptions extends DevServerOptions {
  bin: string;
  module: string;
  version: string;
  /** The private prefix (created; conf.d/ and wasm/ emptied at start). */
  prefix: string;
}

/** An nginx.conf argument holding `text` as it is: double-quoted, `\` and `"` escaped (nginx unescapes both). */
function confString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `2026/11/30 16:00:00 [info] 123#123: *1 message` → level and message. */
const LOG_LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;
/** nginx's own failures worth a terminal line ([emerg] comes back from serve() instead). */
const SHOWN_LEVELS = new Set(["error", "crit", "alert"]);

export class NginxDevServer implements DevServer {
  readonly mode = "nginx";
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private stderr = "";
  private tailOffset = 0;
  private tailRest = "";
  private tailTimer: NodeJS.Timeout | undefined;
  private readonly killOnExit = (): void => this.killGroup();

  /**
   * The pid of an nginx that runs from `prefix` already (another `ngxwasm dev`
   * with the same --out-dir), or undefined. Checked before the prefix is
   * rewritten: its next reload would otherwise load this session's guests.
   */
  static runningIn(prefix: string): number | undefined {
    try {
      const pid = Number(readFileSync(join(prefix, "nginx.pid"), "utf8").trim());
      // A stale pid file may name a pid reused by another program.
      return pid > 0 && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("nginx") ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  constructor(private readonly options: NginxDevServerOptions) {
    const { prefix } = options;
    for (const d of ["conf.d", "wasm"]) rmSync(join(prefix, d), { recursive: true, force: true });
    for (const d of ["conf.d", "wasm", "html", "tmp"]) mkdirSync(join(prefix, d), { recursive: true });
  }

  get description(): string {
    return `nginx (${this.options.bin}, ${this.options.version}) with ${displayPath(this.options.module)} on ${serverUrl(this.options.host, this.options.port)}, prefix ${displayPath(this.options.prefix)}`;
  }

  private path(rel: string): string {
    return join(this.options.prefix, rel);
  }

  private renderConfig(guests: readonly DevGuest[]): string {
    const { origin } = this.options;
    const listen = this.options.host.includes(":") ? `[${this.options.host}]:${this.options.port}` : `${this.options.host}:${this.options.port}`;
    // Where unclaimed paths and the guests' subrequests go: the origin, when there is one
    // (plain bytes there too: a subrequest's body is read by a guest).
    const fallback =
      origin && !guests.some((g) => !isServerLevel(g) && g.location === "/")
        ? `\n        location / {\n            proxy_pass ${origin};\n            proxy_set_header Accept-Encoding "";\n        }`
        : "";
    return `# Written by \`ngxwasm dev\` at each start and rebuild; the guests' blocks are in conf.d/.
load_module ${this.options.module};
${process.getuid?.() === 0 ? "# As root, workers run as root too, so they can read the prefix wherever it is.\nuser root;\n" : ""}daemon off;
master_process on;
worker_processes 1;
pid nginx.pid;
error_log error.log info;

events {
    worker_connections 256;
}

http {
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    wasm_cache_path wasm_cache;
    # The shared dict of the shm_* functions, for guests that use one.
    wasm_shm_zone dev 1m;${this.metricsHttp()}

    server {
        listen ${listen};
        include conf.d/*.conf;${fallback}${this.metricsServer()}
    }
}
`;
  }

  /** The --counter/--gauge declarations, in the http block. */
  private metricsHttp(): string {
    const m = this.options.metrics;
    if (!m) return "";
    return ["", "    # --counter/--gauge", "    wasm_metrics_zone dev_metrics 1m;",
      ...m.counters.map((c) => `    wasm_counter ${confString(c)};`),
      ...m.gauges.map((g) => `    wasm_gauge ${confString(g)};`)].join("\n");
  }

  /** Where the declared metrics are served. */
  private metricsServer(): string {
    const m = this.options.metrics;
    return m ? `\n        location = ${m.location} { wasm_metrics; }` : "";
  }

  /** The location block directives besides the handlers: the origin, for a location without a content handler. */
  private directives(guest: DevGuest): string[] {
    const hasContent = guest.handlers.some((h) => h.phase.name === "content");
    if (!this.options.origin || hasContent || isServerLevel(guest)) return [];
    // The client's Accept-Encoding is not passed on: body filters work on the origin's plain bytes.
    return [`proxy_pass ${this.options.origin};`, `proxy_set_header Accept-Encoding "";`];
  }

  async serve(guests: readonly DevGuest[]): Promise<void> {
    // What is on disk now, to put back if nginx refuses the new builds.
    const files = [
      "nginx.conf",
      ...guests.flatMap((g) => [`wasm/${g.name}.wasm`, `conf.d/${g.name}.conf`]),
    ];
    const saved = new Map(files.map((f) => [f, existsSync(this.path(f)) ? readFileSync(this.path(f)) : undefined]));
    for (const g of guests) {
      copyFileSync(g.wasmPath, this.path(`wasm/${g.name}.wasm`));
      const snippet = renderSnippet({ name: g.name, handlers: g.handlers, location: g.location, directives: this.directives(g), source: displayPath(g.wasmPath) });
      // install's first line tells to re-run install; here the snippet is rewritten at each rebuild.
      const header = `# ${g.name}: written by \`ngxwasm dev\` from ${displayPath(g.entry)} at each rebuild.`;
      writeFileSync(this.path(`conf.d/${g.name}.conf`), [header, ...snippet.split("\n").slice(1)].join("\n"));
    }
    writeFileSync(this.path("nginx.conf"), this.renderConfig(guests));
    try {
      if (this.child) await this.reload();
      else await this.start();
    } catch (e) {
      for (const [f, bytes] of saved) {
        if (bytes) writeFileSync(this.path(f), bytes);
        else rmSync(this.path(f), { force: true });
      }
      throw e;
    }
  }

  private logSize(): number {
    return statSync(this.path("error.log"), { throwIfNoEntry: false })?.size ?? 0;
  }

  private logSince(offset: number): string {
    const path = this.path("error.log");
    if (!existsSync(path)) return "";
    return readFileSync(path).subarray(offset).toString("utf8");
  }

  /** The failure lines of a configuration nginx refused, without timestamps. */
  private refusal(log: string): string {
    const matches = log.split("\n").map((l) => LOG_LINE.exec(l)).filter((m) => m && (m[1] === "emerg" || m[1] === "alert" || m[1] === "crit"));
    // nginx tries bind() five times: one line is enough.
    const lines = [...new Set(matches.map((m) => `[${m![1]}] ${m![2]}`))];
    if (lines.some((l) => l.includes("Address already in use"))) lines.push("the port is taken — pick another --port (or --host)");
    return lines.join("\n") || this.stderr.trim() || log.trim();
  }

  private async start(): Promise<void> {
    const mark = this.logSize();
    this.tailOffset = mark;
    const { prefix } = this.options;
    // -e: what nginx logs while reading the configuration goes to the same error.log.
    const child = spawn(this.options.bin, ["-p", `${prefix}/`, "-c", "nginx.conf", "-e", "error.log"], {
      detached: true, // its own process group: master and workers are ended together
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (c: Buffer) => (this.stderr += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    this.child = child;
    process.once("exit", this.killOnExit);
    let code: number | null | undefined;
    void this.exited.then((c) => {
      code = c;
      // Died while serving (not at start, not stopped): say so; the next rebuild starts it again.
      if (this.child === child && this.tailTimer) {
        this.options.err(`[emerg] nginx (pid ${child.pid}) exited with code ${c}: ${this.refusal(this.logSince(mark))} — it is started again at the next rebuild`);
        this.tail();
        this.forget();
      }
    });
    const deadline = Date.now() + 60_000;
    while (!/start worker process \d+/.test(this.logSince(mark))) {
      if (code !== undefined) {
        this.forget();
        throw new DevServeError(`nginx did not start (prefix ${displayPath(prefix)}, its error.log has the whole story):\n${this.refusal(this.logSince(mark))}`);
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new DevServeError(`nginx did not start within 60 s:\n${this.refusal(this.logSince(mark))}`);
      }
      await sleep(20);
    }
    this.tailTimer = setInterval(() => this.tail(), 100);
  }

  /** Workers of the master (from /proc). */
  private workers(): number[] {
    const pid = this.child?.pid;
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** SIGHUP; resolves once new workers run and the old ones are gone, so every new request gets the new builds. */
  private async reload(): Promise<void> {
    const mark = this.logSize();
    const old = this.workers();
    process.kill(this.child!.pid!, "SIGHUP");
    const deadline = Date.now() + 60_000;
    for (;;) {
      const log = this.logSince(mark);
      // The master keeps the running configuration when it refuses the new one.
      if (/\[emerg\]/.test(log)) throw new DevServeError(`nginx refused the new build and keeps serving the previous one:\n${this.refusal(log)}`);
      if (/start worker process \d+/.test(log)) break;
      if (!this.child) throw new DevServeError("nginx exited during the reload");
      if (Date.now() > deadline) throw new DevServeError(`nginx did not reload within 60 s:\n${this.refusal(log)}`);
      await sleep(10);
    }
    while (this.workers().some((p) => old.includes(p))) {
      if (Date.now() > deadline) throw new DevServeError("nginx's old workers did not exit within 60 s");
      await sleep(10);
    }
  }

  /** Print the new `[wasm] ` lines and nginx's errors from the error log. */
  private tail(): void {
    const path = this.path("error.log");
    const size = this.logSize();
    if (size < this.tailOffset) this.tailOffset = 0; // truncated or replaced
    if (size === this.tailOffset) return;
    const fd = openSync(path, "r");
    const buf = Buffer.alloc(size - this.tailOffset);
    try {
      readSync(fd, buf, 0, buf.length, this.tailOffset);
    } finally {
      closeSync(fd);
    }
    this.tailOffset = size;
    const lines = (this.tailRest + buf.toString("utf8")).split("\n");
    this.tailRest = lines.pop() ?? "";
    for (const line of lines) {
      const m = LOG_LINE.exec(line);
      if (!m) continue;
      const [, level = "", message = ""] = m;
      const wasm = message.indexOf("[wasm] ");
      if (wasm === 0) {
        // nginx appends the request's context: ", client: …, server: …, request: "…""
        const end = message.lastIndexOf(", client: ");
        this.options.out(guestLogLine(level, message.slice(7, end > 0 ? end : undefined)));
      } else if (SHOWN_LEVELS.has(level)) {
        this.options.err(`[${level}] ${message}`);
      }
    }
  }

  private forget(): void {
    clearInterval(this.tailTimer);
    this.tailTimer = undefined;
    process.removeListener("exit", this.killOnExit);
    this.child = undefined;
  }

  private killGroup(): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }

  /** Graceful stop (SIGQUIT), then SIGKILL to the process group: no worker outlives the dev loop. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    this.tail();
    const exited = this.exited;
    this.child = undefined; // an exit from here on is expected
    try {
      process.kill(child.pid!, "SIGQUIT");
    } catch {
      /* already exited */
    }
    await Promise.race([exited, sleep(5_000)]);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* group already gone */
    }
    await exited;
    this.child = child;
    this.forget();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
