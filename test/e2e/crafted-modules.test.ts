// Modules that lie about their structure (test/support/crafted-wasm.ts:
// section sizes, lengths and counts that run past their section, truncated
// and overlong LEB128, sections out of order) and guest paths that are not
// regular files (a FIFO, a directory, a device). The module reads the file
// in the nginx master at configuration time, so `nginx -t` must refuse each
// with exit status 1 and one emerg line (no signal, no hang), and a running
// nginx that is told to reload with one must keep its master, its workers
// and its old configuration.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseModule, craftedModules } from "../support/crafted-wasm.js";
import { NGINX_BIN, Nginx } from "../support/nginx.js";

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

/** `nginx -t` with the exit code and signal (Nginx.test() keeps only ok/output), killed after `timeoutMs`. */
function nginxT(ngx: Nginx, timeoutMs = 20_000): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(NGINX_BIN, ["-p", `${ngx.prefix}/`, "-c", "nginx.conf", "-t"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, ms: Date.now() - started });
    });
  });
}

const emergLines = (output: string): string[] => output.split("\n").filter((l) => l.includes("[emerg]"));

/** The module's message in an emerg line: what follows `wasm: guest "<path>" `, before ` in <conf>:<line>`. */
function guestMessage(line: string): string {
  const m = /wasm: guest "[^"]*" (.*) in \S*nginx\.conf:\d+$/.exec(line);
  return m ? m[1]! : "";
}

const location = (path: string): string => `location / { content_by_wasm ${path} on_content; }`;

describe("crafted modules and non-regular files at configuration time", () => {
  let ngx: Nginx;
  const cases = craftedModules();

  beforeAll(async () => {
    ngx = await Nginx.create("crafted", { workers: 2 });
    ngx.addFile("wasm/base.wasm", baseModule());
    for (const c of cases) ngx.addFile(`wasm/crafted-${c.name}.wasm`, c.bytes);
    execFileSync("mkfifo", [join(ngx.prefix, "wasm", "fifo.wasm")]);
    mkdirSync(join(ngx.prefix, "wasm", "dir.wasm"));
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  async function check(path: string, timeoutMs?: number): Promise<Run> {
    ngx.configure(`server { listen ${ngx.listen()}; ${location(path)} }`);
    return nginxT(ngx, timeoutMs);
  }

  it("accepts the module the crafted ones are made from", async () => {
    const t = await check("wasm/base.wasm", 120_000);
    expect(t.output).toMatch(/test is successful/);
    expect(t.code).toBe(0);
  });

  describe("nginx -t refuses each with exit status 1 and one line", () => {
    for (const c of cases) {
      it(`${c.name}: ${c.what}`, async () => {
        const t = await check(`wasm/crafted-${c.name}.wasm`);
        expect(t.signal, t.output).toBeNull();
        expect(t.code, t.output).toBe(1);
        const lines = emergLines(t.output);
        expect(lines, t.output).toHaveLength(1);
        expect(t.output).not.toMatch(/\[(alert|crit)\]/);
        expect(lines[0]).toContain(`crafted-${c.name}.wasm`);
        expect(guestMessage(lines[0]!), lines[0]).toMatch(c.message);
      });
    }
  });

  describe("nginx -t refuses a guest path that is not a regular file, at once", () => {
    const files: { what: string; path: string; type: string }[] = [
      { what: "a FIFO (nothing ever writes to it)", path: "wasm/fifo.wasm", type: "a FIFO" },
      { what: "a directory", path: "wasm/dir.wasm", type: "a directory" },
      { what: "a character device that never ends (/dev/zero)", path: "/dev/zero", type: "a character device" },
    ];
    for (const f of files) {
      it(f.what, async () => {
        const t = await check(f.path, 10_000);
        expect(t.signal, `nginx -t was killed after ${t.ms} ms:\n${t.output}`).toBeNull();
        expect(t.code, t.output).toBe(1);
        expect(t.ms).toBeLessThan(5_000);
        const lines = emergLines(t.output);
        expect(lines, t.output).toHaveLength(1);
        expect(guestMessage(lines[0]!)).toBe(`is not a regular file (${f.type})`);
      });
    }
  });

  it("a reload with any of them keeps the running master, its workers and the old configuration", async () => {
    const good = `server { listen ${ngx.listen()}; ${location("wasm/base.wasm")} }`;
    await ngx.start(good);
    const masterPid = Number(readFileSync(join(ngx.prefix, "nginx.pid"), "utf8"));
    const workers = ngx.workerPids().sort();
    expect(workers).toHaveLength(2);
    expect((await ngx.get("/")).text).toBe("ok\n");

    const paths = [...cases.map((c) => `wasm/crafted-${c.name}.wasm`), "wasm/fifo.wasm", "wasm/dir.wasm"];
    for (const path of paths) {
      const r = await ngx.reload(`server { listen ${ngx.listen()}; ${location(path)} }`);
      expect(r.ok, `${path}: ${r.output}`).toBe(false);
      const lines = emergLines(r.output);
      expect(lines, r.output).toHaveLength(1);
      expect(lines[0]).toContain(path.replace("wasm/", ""));
      // the master is alive, has the same pid and the same workers, and serves the old configuration
      expect(() => process.kill(masterPid, 0)).not.toThrow();
      expect(Number(readFileSync(join(ngx.prefix, "nginx.pid"), "utf8"))).toBe(masterPid);
      expect(ngx.workerPids().sort(), path).toEqual(workers);
      expect((await ngx.get("/")).text, path).toBe("ok\n");
    }

    // and it still reloads a good configuration afterwards
    const r = await ngx.reload(good);
    expect(r.ok, r.output).toBe(true);
    expect((await ngx.get("/")).text).toBe("ok\n");
  }, 120_000);
});
