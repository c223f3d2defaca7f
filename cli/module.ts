// `ngxwasm module build`: the nginx host module for the nginx installed on this
// machine, from the C sources shipped in the package (nginx/module/, with the
// ABI headers of host-abi/), through nginx/module/build.sh — the same build as
// `make module` — in a work tree outside the package.
//
// Before building, everything the build and the module need is checked, so a
// user learns at once which Debian package to install: nginx itself (built
// --with-compat, of the version the module is written for), nginx-dev (the
// source tree /usr/share/nginx/src, of the same version; its libssl-dev
// dependency gives the OpenSSL headers), a C compiler and make (the build,
// and the module compiles guests with cc at configuration time), and wabt
// (the module runs /usr/bin/wasm2c and /usr/bin/wasm-validate on each guest).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { projectRoot } from "../host-abi/generate.js";

/** The nginx versions the module's sources are written for (Debian 12's nginx). */
export const SUPPORTED_NGINX = /^1\.22\./;
export const NGINX_SOURCE_TREE = "/usr/share/nginx/src";

export interface Requirement {
  /** what is missing or wrong, one line */
  problem: string;
  /** the Debian package that fixes it, when one does */
  debianPackage?: string;
}

export interface NginxInfo {
  binary: string;
  version: string;
  configureArgs: string;
}

/** `nginx -V` of $NGINX, /usr/sbin/nginx or the nginx on the PATH; undefined when there is none. */
export function nginxInfo(): NginxInfo | undefined {
  const candidates = [process.env.NGINX, "/usr/sbin/nginx", "nginx"].filter((c): c is string => !!c);
  for (const binary of candidates) {
    // nginx -V prints to stderr
    const run = spawnSync(binary, ["-V"], { encoding: "utf8" });
    if (run.error) continue; // not there
    return parseNginxV(binary, `${run.stdout}${run.stderr}`);
  }
  return undefined;
}

export function parseNginxV(binary: string, text: string): NginxInfo {
  return {
    binary,
    version: /nginx version: nginx\/(\S+)/.exec(text)?.[1] ?? "unknown",
    configureArgs: /configure arguments: (.*)/.exec(text)?.[1] ?? "",
  };
}

/** An executable on the PATH (or an absolute path) exists. */
function onPath(command: string): boolean {
  if (command.startsWith("/")) return existsSync(command);
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** The version of nginx-dev's source tree, from src/core/nginx.h. */
function sourceTreeVersion(tree: string): string | undefined {
  const header = join(tree, "src", "core", "nginx.h");
  if (!existsSync(header)) return undefined;
  return /#define NGINX_VERSION\s+"([^"]+)"/.exec(readFileSync(header, "utf8"))?.[1];
}

export interface CheckOptions {
  /** build for an nginx version other than SUPPORTED_NGINX */
  anyVersion?: boolean;
  /** the nginx source tree (default NGINX_SOURCE_TREE, from nginx-dev) */
  sourceTree?: string;
}

/** What keeps the module from being built here and loaded by this nginx; [] when nothing does. */
export function checkRequirements(options: CheckOptions = {}): Requirement[] {
  const problems: Requirement[] = [];
  const nginx = nginxInfo();
  const tree = options.sourceTree ?? NGINX_SOURCE_TREE;
  if (!nginx) {
    problems.push({ problem: "nginx is not installed (no /usr/sbin/nginx, none on the PATH, $NGINX unset)", debianPackage: "nginx" });
  } else {
    if (!/(^|\s)--with-compat(\s|$)/.test(nginx.configureArgs)) {
      problems.push({
        problem: `${nginx.binary} (nginx ${nginx.version}) was configured without --with-compat, so it refuses dynamic modules built outside its own build — use Debian's nginx`,
        debianPackage: "nginx",
      });
    }
    if (!SUPPORTED_NGINX.test(nginx.version) && !options.anyVersion) {
      problems.push({
        problem: `${nginx.binary} is nginx ${nginx.version}; the module is written for nginx 1.22 (Debian 12) — pass --any-version to try anyway`,
      });
    }
  }
  const treeVersion = sourceTreeVersion(tree);
  if (!existsSync(join(tree, "configure"))) {
    problems.push({ problem: `the nginx source tree ${tree} is missing (it comes with nginx-dev)`, debianPackage: "nginx-dev" });
  } else if (nginx && treeVersion !== nginx.version) {
    problems.push({
      problem: `the nginx source tree ${tree} is nginx ${treeVersion ?? "of an unknown version"} but ${nginx.binary} is ${nginx.version}: a module built from it will not load — install matching nginx and nginx-dev`,
      debianPackage: "nginx-dev",
    });
  }
  if (!existsSync("/usr/include/openssl/ssl.h")) {
    problems.push({ problem: "the OpenSSL headers (/usr/include/openssl/ssl.h) are missing", debianPackage: "libssl-dev" });
  }
  if (!onPath("cc")) problems.push({ problem: "no C compiler (cc) on the PATH: the build, and the module at nginx -t, compile C", debianPackage: "gcc" });
  if (!onPath("make")) problems.push({ problem: "make is not on the PATH", debianPackage: "make" });
  for (const tool of ["/usr/bin/wasm2c", "/usr/bin/wasm-validate"]) {
    if (!existsSync(tool)) problems.push({ problem: `${tool} is missing: the module turns each guest into C with it`, debianPackage: "wabt" });
  }
  return problems;
}

/** The apt-get line that installs the Debian packages the problems name. */
export function aptLine(problems: Requirement[]): string | undefined {
  const packages = [...new Set(problems.map((p) => p.debianPackage).filter((p): p is string => !!p))];
  if (!packages.length) return undefined;
  const sudo = process.getuid?.() === 0 ? "" : "sudo ";
  return `${sudo}apt-get install ${packages.join(" ")}`;
}

export interface ModuleBuildOptions {
  /** where ngx_http_wasm_module.so goes */
  out: string;
  /** the nginx build tree (a copy of the source tree; default <out>/../nginx-src) */
  work?: string;
  anyVersion?: boolean;
  /** build output (make's warnings, configure's failure) goes here */
  onOutput?: (chunk: string) => void;
}

/** The module's path once built. */
export function modulePath(out: string): string {
  return join(resolve(out), "ngx_http_wasm_module.so");
}

/** Run nginx/module/build.sh; resolves to the .so path, rejects with the script's last words. */
export function buildModule(options: ModuleBuildOptions): Promise<string> {
  const out = resolve(options.out);
  const work = resolve(options.work ?? join(dirname(out), "nginx-src"));
  const script = join(projectRoot(), "nginx", "module", "build.sh");
  return new Promise((resolvePromise, reject) => {
    const child = spawn("bash", [script, out], {
      env: { ...process.env, NGXWASM_NGINX_SRC: work },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      tail = (tail + text).slice(-4000);
      options.onOutput?.(text);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0 && existsSync(modulePath(out))) resolvePromise(modulePath(out));
      else reject(new Error(`nginx/module/build.sh failed (exit ${code}) building in ${work}:\n${tail.trim()}`));
    });
  });
}
