// `ngxwasm init`: a project that builds, tests and serves one guest, from the
// files in templates/init/ plus what depends on the target: package.json
// (ngxwasm as a devDependency: this version, or `file:` with --from), the
// nginx snippet (absolute paths) and the README.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { projectRoot } from "../host-abi/generate.js";
import { UsageError } from "./format.js";
import { conventionalHandlers, renderGuestBlocks } from "./nginx-conf.js";

export interface InitOptions {
  /** ngxwasm as `file:<abs>` (a tarball or a package directory) instead of `^<version>` */
  from?: string;
  /** write into a directory holding other files (existing scaffold files are overwritten) */
  force?: boolean;
}

export interface InitResult {
  dir: string;
  /** files written, relative to dir */
  written: string[];
  /** whether an existing package.json was extended rather than written */
  mergedPackageJson: boolean;
}

/** What a directory may hold and still count as empty: `npm init` / `npm i -D ngxwasm` leave these. */
const ALLOWED_BEFORE_INIT = new Set(["package.json", "package-lock.json", "node_modules", ".git", ".gitignore", ".npmrc"]);

const TEMPLATE_DIR = (): string => join(projectRoot(), "templates", "init");

interface OwnPackage {
  version: string;
  devDependencies?: Record<string, string>;
}

function ownPackage(): OwnPackage {
  return JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as OwnPackage;
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** A package name npm accepts, from a directory name. */
function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name || "ngxwasm-guests";
}

function ngxwasmSpec(from: string | undefined): string {
  if (from === undefined) return `^${ownPackage().version}`;
  const abs = resolve(from);
  if (!existsSync(abs)) throw new UsageError(`--from ${from}: no such file or directory — pass an ngxwasm tarball (npm pack) or package directory`);
  if (statSync(abs).isDirectory() && !existsSync(join(abs, "package.json"))) {
    throw new UsageError(`--from ${from}: the directory holds no package.json — pass an ngxwasm tarball (npm pack) or package directory`);
  }
  return `file:${abs}`;
}

const SCRIPTS: Record<string, string> = {
  build: "ngxwasm build guests/*/ --out-dir build",
  test: "vitest run",
  dev: "ngxwasm dev",
  "module": "ngxwasm module build --out build/module",
  conf: "ngxwasm conf build/hello.wasm --module build/module/ngx_http_wasm_module.so --out build/nginx.conf",
  serve: "nginx -p \"$PWD/build/\" -c nginx.conf -e error.log -g 'daemon off;'",
};

/** package.json: written, or an existing one extended (its own scripts and dependencies win unless --force). */
function packageJson(dir: string, options: InitOptions): { text: string; merged: boolean } {
  const path = join(dir, "package.json");
  const existing = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : undefined;
  const pkg: Record<string, unknown> = existing ?? { name: packageName(dir), version: "0.1.0", private: true };
  pkg.type ??= "module";
  const scripts = (pkg.scripts ?? {}) as Record<string, string>;
  for (const [name, command] of Object.entries(SCRIPTS)) {
    // npm init's placeholder test script is replaced
    const placeholder = name === "test" && /no test specified/.test(scripts.test ?? "");
    if (scripts[name] === undefined || placeholder || options.force) scripts[name] = command;
  }
  pkg.scripts = scripts;
  const devDependencies = (pkg.devDependencies ?? {}) as Record<string, string>;
  const dependencies = (pkg.dependencies ?? {}) as Record<string, string>;
  // `npm i -D ./ngxwasm-x.tgz` already recorded where ngxwasm comes from: keep it, unless --from says otherwise
  if (options.from !== undefined || (devDependencies.ngxwasm === undefined && dependencies.ngxwasm === undefined)) {
    delete dependencies.ngxwasm;
    devDependencies.ngxwasm = ngxwasmSpec(options.from);
  }
  devDependencies.vitest ??= ownPackage().devDependencies?.vitest ?? "^4.1.0";
  pkg.devDependencies = devDependencies;
  if (Object.keys(dependencies).length) pkg.dependencies = dependencies;
  return { text: `${JSON.stringify(pkg, null, 2)}\n`, merged: existing !== undefined };
}

function readme(name: string): string {
  return `# ${name}

NGINX request handlers in TypeScript (AssemblyScript), built with
[ngxwasm](https://www.npmjs.com/package/ngxwasm). One guest to start with:
\`guests/hello/index.ts\`, a content handler.

\`\`\`sh
npm install            # ngxwasm (compiler, SDK, test host) and vitest
npm run build          # guests/*/ → build/<name>.wasm, validated for nginx
npm test               # test/*.test.ts: the guests in ngxwasm's in-process host, no nginx needed
\`\`\`

Serve it from the nginx on this machine (Debian: \`apt-get install nginx
nginx-dev wabt gcc make\`; \`npx ngxwasm module build\` names what is missing):

\`\`\`sh
npm run module         # ngxwasm module build: build/module/ngx_http_wasm_module.so for this nginx
npm run conf           # ngxwasm conf: build/nginx.conf serving build/hello.wasm at /hello on 127.0.0.1:8080
npm run serve          # nginx in the foreground with build/ as its prefix (as root: add "user root;" to build/nginx.conf)
curl 'http://127.0.0.1:8080/hello?name=ada'
\`\`\`

\`nginx/hello.conf\` is the same location block to include in a server block of
an nginx you already run (after \`load_module\` of the module).

Next:
- add a guest: \`guests/<name>/index.ts\` exporting \`on_content\` (or
  \`on_rewrite\`, \`on_access\`, \`on_header\`, \`on_body\`, \`on_log\`); \`npm run build\`
  builds every directory of \`guests/\`;
- the SDK: \`node_modules/ngxwasm/sdk/README.md\`; the test helpers
  (\`loadGuest\`, \`serveGuests\`): \`node_modules/ngxwasm/host/README.md\`;
  the commands: \`npx ngxwasm --help\`;
- \`npm run dev\` runs \`ngxwasm dev\`.
`;
}

/** Scaffold a project in `dir` (created when missing). Throws UsageError for a non-empty directory without --force. */
export function initProject(dir: string, options: InitOptions = {}): InitResult {
  const abs = resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new UsageError(`${dir} is a file — pass a directory to create or an empty one`);
    const others = readdirSync(abs).filter((f) => !ALLOWED_BEFORE_INIT.has(f));
    if (others.length && !options.force) {
      const shown = others.slice(0, 5).join(", ") + (others.length > 5 ? ", …" : "");
      throw new UsageError(`${dir} is not empty (${shown}) — pick a new or empty directory, or pass --force to write the scaffold's files over what is there`);
    }
  }
  mkdirSync(abs, { recursive: true });

  const files = new Map<string, string>();
  for (const rel of listFiles(TEMPLATE_DIR())) {
    // npm never packs a file named .gitignore: the template is "gitignore"
    files.set(rel === "gitignore" ? ".gitignore" : rel, readFileSync(join(TEMPLATE_DIR(), rel), "utf8"));
  }
  const pkg = packageJson(abs, options);
  files.set("package.json", pkg.text);
  const blocks = renderGuestBlocks(
    [{ name: "hello", wasmPath: join(abs, "build", "hello.wasm"), location: "/hello", handlers: conventionalHandlers(["on_content"]) }],
    "",
  );
  files.set(
    "nginx/hello.conf",
    `# guests/hello (built by npm run build) at /hello: include it inside a server block of an nginx\n# that loads ngx_http_wasm_module (npm run module; npm run conf writes a whole nginx.conf).\n${blocks}\n`,
  );
  files.set("README.md", readme(JSON.parse(pkg.text).name as string));
  if (existsSync(join(abs, ".gitignore")) && !options.force) files.delete(".gitignore");

  for (const [rel, text] of files) {
    const path = join(abs, rel);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  }
  return { dir: abs, written: [...files.keys()].sort(), mergedPackageJson: pkg.merged };
}

/** The commands to run next, from the working directory. */
export function nextSteps(result: InitResult): string[] {
  const rel = relative(process.cwd(), result.dir);
  return [...(rel ? [`cd ${rel.startsWith("..") ? result.dir : rel}`] : []), "npm install", "npm run build", "npm test"];
}
