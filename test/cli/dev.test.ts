// `ngxwasm dev` as a user runs it: the real command on a guest in a temp
// directory, real requests, real edits of the source. Once through real
// nginx with the module (--host-mode nginx) and once through the in-process
// host (--host-mode ts). Every dev process is ended in afterEach, and the
// nginx it started must be gone with it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { ensureModule, freePort, httpFetch, type HttpResponse } from "../support/nginx.js";
import { ensureCliBuilt, ROOT, runCli } from "./cli.js";

const BIN = join(ROOT, "bin", "ngxwasm.js");

/** One `ngxwasm dev` process: its stdout and stderr as one text, as a terminal shows them. */
class DevProcess {
  output = "";
  readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    /** Where the nginx of --out-dir writes its master's pid. */
    private readonly nginxPidFile: string,
  ) {
    child.stdout!.on("data", (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  /** Resolves with the match once the output matches `pattern` after `from` (an output length). */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((c) => (exitCode = c));
    for (;;) {
      const m = this.output.slice(from).match(pattern);
      if (m) return m;
      if (exitCode !== undefined) throw new Error(`ngxwasm dev exited (code ${exitCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`ngxwasm dev did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await sleep(25);
    }
  }

  /** SIGTERM (as Ctrl-C's SIGINT), SIGKILL after 20 s; the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 20_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      // Last resort, should dev itself have failed to: nginx runs in its own process group.
      const master = existsSync(this.nginxPidFile) ? Number(readFileSync(this.nginxPidFile, "utf8").trim()) : 0;
      if (master > 0 && alive(master)) process.kill(-master, "SIGKILL");
    }
  }
}

const running = new Set<DevProcess>();

function startDev(args: string[], cwd: string, outDir: string): DevProcess {
  const child = spawn(process.execPath, [BIN, "dev", ...args, "--out-dir", outDir], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const dev = new DevProcess(child, join(outDir, "nginx", "nginx.pid"));
  running.add(dev);
  // What dev printed is the first thing to read when a test fails.
  onTestFailed(() => void process.stderr.write(`ngxwasm dev ${args.join(" ")} printed:\n${dev.output.slice(-6000)}\n`));
  return dev;
}

/**
 * startDev on a free port, once it serves. The port is free when picked but
 * not reserved: other test processes on the machine may take it before dev
 * listens, which dev reports ("port is taken", EADDRINUSE); then another port.
 */
async function serveDev(args: string[], cwd: string, outDir: string, ready: RegExp): Promise<{ dev: DevProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dev = startDev([...args, "--port", String(port)], cwd, outDir);
    try {
      await dev.waitFor(ready);
      return { dev, port };
    } catch (e) {
      if (attempt === 3 || !/port is taken|EADDRINUSE/.test(dev.output)) throw e;
      await dev.stop();
      running.delete(dev);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether a process exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The master's workers, from /proc. */
function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** GET `url` until the body is `expected`; resolves with the response and how long it took. */
async function pollUntil(url: string, expected: string, timeoutMs = 30_000): Promise<{ res: HttpResponse; ms: number }> {
  const start = performance.now();
  let last = "";
  while (performance.now() - start < timeoutMs) {
    try {
      const res = await httpFetch(url, { timeoutMs: 5_000 });
      if (res.text === expected) return { res, ms: performance.now() - start };
      last = `${res.status} ${JSON.stringify(res.text)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(25);
  }
  throw new Error(`${url} did not answer ${JSON.stringify(expected)} within ${timeoutMs} ms (last: ${last})`);
}

let work: string;
/** The import path of the SDK from a guest directory in the temp tree (asc resolves relative paths only). */
const sdkFrom = (dir: string): string => relative(dir, join(ROOT, "sdk")).split(sep).join("/");

/** A content guest that answers `text` and logs it. */
function greeter(text: string, dir: string): string {
  return `import { Response, handle, log } from "${sdkFrom(dir)}";

export function on_content(): i32 {
  return handle((): void => {
    log.info("greeting ${text}");
    Response.say("${text}");
  });
}
`;
}

/** A content guest that counts its requests and sets a gauge: metrics declared with --counter/--gauge. */
function counter(dir: string): string {
  return `import { Counter, Gauge, Response, handle } from "${sdkFrom(dir)}";

export function on_content(): i32 {
  return handle((): void => {
    Counter.inc("hits_total");
    Gauge.set("level", 7);
    Response.say("counted");
  });
}
`;
}

/** A header + body filter: marks the response and upper-cases its (ASCII) body. */
function shouter(dir: string): string {
  return `import { BodyChunk, Response } from "${sdkFrom(dir)}";

export function on_header(): i32 {
  Response.removeHeader("Content-Length");
  Response.setHeader("X-Dev", "filtered");
  return 0;
}

export function on_body(): i32 {
  BodyChunk.replace(BodyChunk.text().toUpperCase());
  return 0;
}
`;
}

/** A content guest that answers with what a subrequest to /api/item got. */
function asker(dir: string): string {
  return `import { Response, Stage, Subrequest, handle } from "${sdkFrom(dir)}";

const stage = new Stage();

export function on_content(): i32 {
  return handle((): void => {
    if (stage.is(0)) {
      Subrequest.fetch("/api/item", "id=7");
      stage.next();
      return;
    }
    Response.say("origin answered " + Subrequest.status().toString() + ": " + Subrequest.bodyText());
  });
}
`;
}

let origin: Server;
let originPort: number;

beforeAll(async () => {
  await ensureCliBuilt();
  work = mkdtempSync(join(tmpdir(), "ngxwasm-dev-"));
  originPort = await freePort();
  origin = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    // What the origin was asked for: a body filter can only work on plain bytes.
    res.end(`from origin ${req.url} ${/gzip|br|deflate/.test(req.headers["accept-encoding"] ?? "") ? "compressed" : "plain"}\n`);
  });
  await new Promise<void>((resolve) => origin.listen(originPort, "127.0.0.1", resolve));
});

afterEach(async () => {
  for (const dev of running) await dev.stop();
  running.clear();
});

afterAll(async () => {
  await new Promise<void>((resolve) => origin?.close(() => resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

const MODES = [
  { mode: "nginx", serving: /serving through nginx \(.*nginx\/[\d.]+\) with .*ngx_http_wasm_module\.so on http:\/\/127\.0\.0\.1:\d+/ },
  { mode: "ts", serving: /serving through the in-process host \(host\/, Node v[\d.]+\) on http:\/\/127\.0\.0\.1:\d+/ },
] as const;

describe.each(MODES)("ngxwasm dev --host-mode $mode", ({ mode, serving }) => {
  beforeAll(async () => {
    if (mode === "nginx") await ensureModule();
  });

  it("serves the guest, serves each saved edit, prints compile errors and keeps the last good build serving", async () => {
    const root = join(work, `edit-${mode}`);
    const guestDir = join(root, "greet");
    mkdirSync(guestDir, { recursive: true });
    const source = join(guestDir, "index.ts");
    writeFileSync(source, greeter("one", guestDir));
    const outDir = join(root, "out");
    const { dev, port } = await serveDev(["greet", "--host-mode", mode], root, outDir, serving);
    // printed right after the "serving" line, maybe in a later chunk of output
    await dev.waitFor(new RegExp(`http://127\\.0\\.0\\.1:${port}/ → greet \\(content_by_wasm on_content\\)`));
    const url = `http://127.0.0.1:${port}/any/path`;

    const first = await httpFetch(url);
    expect(first.status).toBe(200);
    expect(first.text).toBe("one\n");
    // The guest's ngx_wasm_log line reaches the terminal (nginx: from its error log).
    await dev.waitFor(/\[info\] \[wasm\] greeting one/);

    if (mode === "nginx") {
      // A second dev on the same --out-dir would rewrite this one's nginx prefix: refused, nothing touched.
      const second = await runCli(["dev", "greet", "--port", String(await freePort()), "--out-dir", outDir], { cwd: root });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/ngxwasm dev: nginx \(pid \d+\) already runs from .*out\/nginx, another ngxwasm dev's — stop it, or give this one its own --out-dir/);
      expect((await httpFetch(url)).text).toBe("one\n");
    }

    // A save is rebuilt and served, and the time it took is printed.
    let mark = dev.output.length;
    writeFileSync(source, greeter("two", guestDir));
    const two = await pollUntil(url, "two\n");
    const rebuilt = await dev.waitFor(/rebuilt greet in (\d+\.\d\d) s, serving \(build \d+\.\d\d s, (?:nginx reload|load) \d+\.\d\d s\)/, mark);
    const seconds = Number(rebuilt[1]);
    expect(seconds).toBeGreaterThan(0);
    // The figure is the time from the save to serving: no longer than the client saw (plus polling slack).
    expect(seconds * 1000).toBeLessThanOrEqual(two.ms + 500);
    await dev.waitFor(/\[info\] \[wasm\] greeting two/, mark);

    // A syntax error: asc's message with file:line:column, and the last good build keeps serving.
    mark = dev.output.length;
    writeFileSync(source, greeter("three", guestDir).replace(`Response.say("three");`, `Response.say("three";`));
    await dev.waitFor(/greet: build failed — still serving the previous build/, mark);
    const printed = dev.output.slice(mark);
    expect(printed).toMatch(/greet\/index\.ts:6:\d+: error TS\d+: '\)' expected\./);
    expect(printed).toContain(`Response.say("three";`);
    expect(printed).not.toMatch(/rebuilt greet/);
    const during = await httpFetch(url);
    expect(during.status).toBe(200);
    expect(during.text).toBe("two\n");

    // Fixed: served again.
    mark = dev.output.length;
    writeFileSync(source, greeter("four", guestDir));
    await pollUntil(url, "four\n");
    await dev.waitFor(/rebuilt greet in \d+\.\d\d s, serving/, mark);
    expect(existsSync(join(outDir, "greet.wasm"))).toBe(true);

    // Stopping ends nginx too: master and workers.
    const pidFile = join(outDir, "nginx", "nginx.pid");
    const nginxPids: number[] = [];
    if (mode === "nginx") {
      const master = Number(readFileSync(pidFile, "utf8").trim());
      nginxPids.push(master, ...children(master));
      expect(nginxPids.length).toBeGreaterThanOrEqual(2);
      expect(nginxPids.every(alive)).toBe(true);
    }
    expect(await dev.stop()).toBe(0);
    expect(dev.output).toContain("ngxwasm dev: stopping");
    expect(nginxPids.filter(alive)).toEqual([]);
    await expect(httpFetch(url, { timeoutMs: 2_000 })).rejects.toThrow();
  }, 240_000);

  it("--counter/--gauge: the guest's series change, and --metrics-location serves them as nginx's wasm_metrics does", async () => {
    const root = join(work, `metrics-${mode}`);
    mkdirSync(join(root, "count"), { recursive: true });
    writeFileSync(join(root, "count", "index.ts"), counter(join(root, "count")));
    const { dev, port } = await serveDev(
      ["count", "--host-mode", mode, "--counter", "hits_total", "--counter", 'by{k="a\\"b"}', "--gauge", "level", "--metrics-location", "/m"],
      root,
      join(root, "out"),
      serving,
    );
    await dev.waitFor(/\/m → the 3 declared metric series/);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 2; i++) expect((await httpFetch(`${base}/`)).text).toBe("counted\n");
    const metrics = await httpFetch(`${base}/m`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(metrics.text).toBe(
      "# HELP hits_total declared by wasm_counter\n# TYPE hits_total counter\nhits_total 2\n" +
        '# HELP by declared by wasm_counter\n# TYPE by counter\nby{k="a\\"b"} 0\n' +
        "# HELP level declared by wasm_gauge\n# TYPE level gauge\nlevel 7\n",
    );
    expect((await httpFetch(`${base}/m`, { method: "POST", body: "x" })).status).toBe(405);
    expect(await dev.stop()).toBe(0);
  }, 240_000);

  it("--origin: a filter guest works on the origin's (uncompressed) answers, a content guest's subrequests reach the origin", async () => {
    const root = join(work, `origin-${mode}`);
    for (const [name, source] of [["shout", shouter], ["ask", asker]] as const) {
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, "index.ts"), source(join(root, name)));
    }
    const { dev, port } = await serveDev(
      ["shout", "ask", "--host-mode", mode, "--phase", "shout=header_filter:on_header", "--phase", "shout=body_filter:on_body",
        "--origin", `http://127.0.0.1:${originPort}/`],
      root,
      join(root, "out"),
      serving,
    );
    // printed right after the "serving" line, maybe in a later chunk of output
    await dev.waitFor(/other paths → /);
    expect(dev.output).toContain(`other paths → http://127.0.0.1:${originPort} (--origin)`);
    const base = `http://127.0.0.1:${port}`;
    const filtered = await httpFetch(`${base}/shout/page?x=1`, { headers: { "Accept-Encoding": "gzip" } });
    expect(filtered.status).toBe(200);
    expect(filtered.text).toBe("FROM ORIGIN /SHOUT/PAGE?X=1 PLAIN\n");
    expect(filtered.headers["x-dev"]).toBe("filtered");
    // /api/item belongs to no guest: the subrequest goes to the origin.
    const asked = await httpFetch(`${base}/ask`, { headers: { "Accept-Encoding": "gzip" } });
    expect(asked.status).toBe(200);
    expect(asked.text).toBe("origin answered 200: from origin /api/item?id=7 plain\n\n");
    // So does a request for it.
    expect((await httpFetch(`${base}/elsewhere`)).text).toBe("from origin /elsewhere plain\n");
    expect(await dev.stop()).toBe(0);
  }, 240_000);
});

describe("ngxwasm dev: what a save rebuilds", () => {
  it("a guest's own file rebuilds that guest only; a module two guests import rebuilds both; an unchanged module is not reloaded; each is served at /<name>", async () => {
    const root = join(work, "watch");
    mkdirSync(join(root, "common"), { recursive: true });
    const common = join(root, "common", "words.ts");
    writeFileSync(common, `export const WORD = "alpha";\n`);
    for (const name of ["a", "b"]) {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "index.ts"),
        `import { Response, handle } from "${sdkFrom(dir)}";
import { WORD } from "../common/words";

export function on_content(): i32 {
  return handle((): void => {
    Response.say("${name} " + WORD);
  });
}
`,
      );
    }
    const { dev, port } = await serveDev(["a", "b", "--host-mode", "ts"], root, join(root, "out"), /watching \d+ source directories/);
    const base = `http://127.0.0.1:${port}`;
    expect((await httpFetch(`${base}/a`)).text).toBe("a alpha\n");
    expect((await httpFetch(`${base}/b/more`)).text).toBe("b alpha\n");
    expect((await httpFetch(`${base}/c`)).status).toBe(404);

    let mark = dev.output.length;
    writeFileSync(common, `export const WORD = "beta";\n`);
    await pollUntil(`${base}/a`, "a beta\n");
    await pollUntil(`${base}/b`, "b beta\n");
    await dev.waitFor(/rebuilt a, b in /, mark);

    mark = dev.output.length;
    writeFileSync(join(root, "a", "index.ts"), readFileSync(join(root, "a", "index.ts"), "utf8").replace(`"a "`, `"A "`));
    await pollUntil(`${base}/a`, "A beta\n");
    await dev.waitFor(/rebuilt a in /, mark);
    expect(dev.output.slice(mark)).not.toMatch(/rebuilt (a, )?b/);

    // A comment changes no byte of the module: nothing is reloaded.
    mark = dev.output.length;
    writeFileSync(join(root, "a", "index.ts"), `// a comment\n${readFileSync(join(root, "a", "index.ts"), "utf8")}`);
    await dev.waitFor(/rebuilt a in \d+\.\d\d s: the module is unchanged, nothing to reload/, mark);
    expect(dev.output.slice(mark)).not.toMatch(/serving \(/);
    expect((await httpFetch(`${base}/a`)).text).toBe("A beta\n");
    expect(await dev.stop()).toBe(0);
  }, 240_000);
});

describe("ngxwasm dev: refusals", () => {
  it("--host-mode nginx without the module names it and what to do (exit 1)", async () => {
    const r = await runCli(["dev", "greet", "--host-mode", "nginx", "--module", join(work, "absent.so"), "--port", String(await freePort())], { cwd: work });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--host-mode nginx, but --module ${join(work, "absent.so")} does not exist (build the module with \`make module\`)`);
  });

  it("a phase dev cannot serve, and an --origin with a path, are usage errors (exit 2)", async () => {
    const phase = await runCli(["dev", "greet", "--phase", "balancer"], { cwd: work });
    expect(phase.code).toBe(2);
    expect(phase.stderr).toContain("balancer_by_wasm belongs in an upstream {} block");
    const url = await runCli(["dev", "greet", "--origin", "http://127.0.0.1:9/api"], { cwd: work });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain(`--origin "http://127.0.0.1:9/api": give the origin without a path (e.g. http://127.0.0.1:9)`);
    const series = await runCli(["dev", "greet", "--counter", "x{a=1}"], { cwd: work });
    expect(series.code).toBe(2);
    expect(series.stderr).toContain(`--counter "x{a=1}": labels are written {name="value",...}`);
    const twice = await runCli(["dev", "greet", "--counter", "x", "--gauge", "x"], { cwd: work });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`--gauge "x": "x" is already a counter (wasm_counter)`);
  });
});
