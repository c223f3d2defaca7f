// The repository's nginx for end-to-end tests: ngxwasm/testing's Nginx
// (testing/nginx.ts: prefix, free ports, config, start/stop, HTTP helpers)
// with this repository's module, built on demand into build/module by
// nginx/module/build.sh, prefixes under build/nginx-tests/, and the
// AddressSanitizer build of the module for the fault campaign.
//
//   const ngx = await Nginx.create("directives");      // prefix + one free port; builds the module if needed
//   const wasm = ngx.addGuest("hello", await buildGuest("guests/hello"));   // "wasm/hello.wasm"
//   await ngx.start(`server { listen ${ngx.listen()}; location / { content_by_wasm ${wasm} on_content; } }`);
//   const res = await ngx.get("/");                      // { status, headers, body, text }
//   await ngx.stop();                                    // in afterAll; never leaves a process behind
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../../host-abi/generate.js";
import { Nginx as PackageNginx, type NginxOptions as PackageNginxOptions } from "../../testing/nginx.js";

export { NGINX_BIN, freePort, httpFetch, rawHttp, type CommandResult, type HttpResponse, type RequestOptions } from "../../testing/nginx.js";

const execFileP = promisify(execFile);

export const MODULE_SO = join(projectRoot(), "build", "module", "ngx_http_wasm_module.so");
/** The AddressSanitizer build of the module (`build.sh build/module-asan --asan`); see ensureAsanModule. */
export const MODULE_ASAN_SO = join(projectRoot(), "build", "module-asan", "ngx_http_wasm_module.so");
const TESTS_DIR = join(projectRoot(), "build", "nginx-tests");

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

// ------------------------------------------------------------------ nginx

export interface NginxOptions extends Omit<PackageNginxOptions, "modulePath" | "dir" | "env"> {
  /**
   * Load the AddressSanitizer build of the module (MODULE_ASAN_SO) and run
   * nginx (and `nginx -t`) with LD_PRELOAD=libasan and ASAN_OPTIONS that
   * write reports to <prefix>/asan.<pid>: read them with asanReports().
   */
  asan?: boolean;
}

export class Nginx extends PackageNginx {
  /** A fresh prefix under build/nginx-tests/<label>-XXXXXX and free ports; builds the module if needed. */
  static override async create(label: string, options: NginxOptions = {}): Promise<Nginx> {
    if (options.module ?? true) await (options.asan ? ensureAsanModule() : ensureModule());
    const full: PackageNginxOptions = {
      ...options,
      modulePath: options.asan ? MODULE_ASAN_SO : MODULE_SO,
      dir: TESTS_DIR,
      env: options.asan ? (prefix) => asanEnv(join(prefix, "asan")) : undefined,
    };
    const { prefix, ports } = await PackageNginx.reserve(label, full);
    return new Nginx(prefix, ports, full);
  }

  /** Under `asan`: the reports AddressSanitizer wrote (<prefix>/asan.*), one string per file; [] when clean. */
  asanReports(): string[] {
    return readdirSync(this.prefix)
      .filter((f) => f.startsWith("asan."))
      .sort()
      .map((f) => `${f}:\n${readFileSync(join(this.prefix, f), "utf8")}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
