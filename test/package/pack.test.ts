// The package as a user gets it: `npm pack` in this repository (dist/ built
// first, as prepack builds it: see beforeAll), the tarball installed into a fresh project under the system's
// temporary directory — outside the repository, so nothing here can be reached
// by a relative path — then what the README's quickstart says to run there:
// `ngxwasm init`, `npm install`, `npm run build`, `npm test`, and, with the
// Debian packages the module needs, `ngxwasm module build`, `ngxwasm conf`
// and real nginx serving the guest through ngxwasm/testing's serveGuests.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { NGINX_BIN } from "../../testing/nginx.js";
import { ensureCliBuilt } from "../cli/cli.js";

const ROOT = projectRoot();
const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund"];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: none of the npm_* variables of an `npm test` that may be running this suite. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
}

function run(command: string, args: string[], cwd: string, timeout = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: userEnv(), timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A run that must succeed; its output is the failure message otherwise. */
async function ok(command: string, args: string[], cwd: string, timeout?: number): Promise<Run> {
  const r = await run(command, args, cwd, timeout);
  expect(r.code, `${command} ${args.join(" ")} in ${cwd} exited ${r.code}:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

let work: string;
let tarball: string;
let app: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ngxwasm-pack-"));
  // prepack's tsc would rewrite dist/ in place while other suites run the CLI
  // from it (one saw a half-written dist/cli/build.js): dist/ is brought up to
  // date under the suites' lock instead, and npm pack runs no scripts
  await ensureCliBuilt();
  const packed = await ok("npm", ["pack", "--ignore-scripts", "--pack-destination", work, "--json"], ROOT);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as { filename: string }[];
  tarball = join(work, info!.filename);
  // what a user does: an npm project, ngxwasm installed into it, then init
  app = join(work, "app");
  await ok("mkdir", ["-p", app], work);
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "app", version: "1.0.0", private: true }, null, 2)}\n`);
  await ok("npm", ["install", "--save-dev", tarball, ...NPM_FLAGS], app);
}, 600_000);

afterAll(() => {
  if (work && !process.env.KEEP_PACK_TEST) rmSync(work, { recursive: true, force: true });
});

describe("the npm package, installed outside the repository", () => {
  it("ships the built CLI, the SDK sources, the module sources and headers, and nothing of the repository's tests", async () => {
    const listing = (await ok("tar", ["tzf", tarball], work)).stdout.split("\n").map((f) => f.replace(/^package\//, ""));
    for (const file of [
      "bin/ngxwasm.js",
      "dist/cli/index.js",
      "dist/testing/index.js",
      "dist/testing/index.d.ts",
      "index.ts",
      "sdk/index.ts",
      "sdk/runtime.ts",
      "asconfig.json",
      "tsconfig.guest.json",
      "templates/init/guests/hello/index.ts",
      "nginx/module/config",
      "nginx/module/build.sh",
      "nginx/module/ngx_http_wasm_module.c",
      "host-abi/ngx_wasm_guest_abi.h",
      "host-abi/ngx_wasm_hosts.h",
      "host-abi/abi.json",
      "LICENSE",
    ]) {
      expect(listing, file).toContain(file);
    }
    const leaked = listing.filter((f) => /^(test|guests|bench|nginx\/module\/fuzz|build)\//.test(f) || (f.endsWith(".test.ts") && !f.startsWith("templates/init/")));
    expect(leaked).toEqual([]);
  });

  it("ngxwasm init scaffolds the project around the installed package", async () => {
    const r = await ok("npx", ["ngxwasm", "init"], app);
    expect(r.stdout).toMatch(/package\.json extended/);
    for (const file of ["guests/hello/index.ts", "test/hello.test.ts", "tsconfig.json", "vitest.config.ts", "nginx/hello.conf", "README.md", ".gitignore"]) {
      expect(existsSync(join(app, file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    // npm recorded where ngxwasm came from (the tarball); init keeps it
    expect(pkg.devDependencies.ngxwasm).toMatch(/^file:.*\.tgz$/);
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["build", "test", "dev", "module", "conf"]));
    expect(readFileSync(join(app, "nginx/hello.conf"), "utf8")).toContain(`content_by_wasm ${join(app, "build", "hello.wasm")} on_content;`);
    // a second init would overwrite the guest: refused
    const again = await run("npx", ["ngxwasm", "init"], app);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not empty .*--force/);
    await ok("npm", ["install", ...NPM_FLAGS], app);
  }, 300_000);

  it("npm run build compiles the guest, which imports the SDK as \"ngxwasm\", into a valid module", async () => {
    expect(readFileSync(join(app, "guests/hello/index.ts"), "utf8")).toMatch(/from "ngxwasm"/);
    const r = await ok("npm", ["run", "build"], app);
    expect(r.stdout).toMatch(/built guests\/hello → build\/hello\.wasm/);
    const validated = await ok("npx", ["ngxwasm", "validate", "build/hello.wasm", "--export", "on_content", "--phase", "content"], app);
    expect(validated.stdout).toMatch(/build\/hello\.wasm: ok for the nginx host/);
  }, 300_000);

  it("npm test runs the scaffold's vitest test through ngxwasm/testing, and it passes", async () => {
    const r = await ok("npm", ["test"], app);
    expect(r.stdout).toMatch(/Tests\s+.*2 passed/);
  }, 300_000);

  it("the editor understands the guest: AssemblyScript types and \"ngxwasm\" resolve through tsconfig.json", () => {
    const bad = join(app, "guests", "hello", "typo.ts");
    writeFileSync(bad, 'import { Response } from "ngxwasm";\nexport function on_content(): i32 { Response.sayy("x"); return 0; }\n');
    try {
      const configPath = join(app, "tsconfig.json");
      const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
      expect(config?.errors ?? ["no config"]).toEqual([]);
      const program = ts.createProgram(config!.fileNames, config!.options);
      const diagnostics = (file: string): string[] => {
        const source = program.getSourceFile(file);
        expect(source, file).toBeDefined();
        return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      };
      expect(diagnostics(join(app, "guests", "hello", "index.ts"))).toEqual([]);
      expect(diagnostics(bad)).toEqual([expect.stringMatching(/Property 'sayy' does not exist on type 'typeof Response'/)]);
    } finally {
      rmSync(bad);
    }
  });

  it("ngxwasm module build makes the nginx module from the shipped sources, and nginx serves the guest", async () => {
    const check = await run("npx", ["ngxwasm", "module", "check"], app);
    if (check.code !== 0) {
      // no Debian tooling here: the command must say exactly what to install
      expect(check.stderr).toMatch(/apt-get install /);
      const build = await run("npx", ["ngxwasm", "module", "build"], app);
      expect(build.code).toBe(1);
      expect(build.stderr).toMatch(/nothing was built/);
      return;
    }
    const built = await ok("npm", ["run", "module"], app, 600_000);
    const so = join(app, "build", "module", "ngx_http_wasm_module.so");
    expect(existsSync(so)).toBe(true);
    expect(built.stdout).toContain(`load_module ${so};`);
    expect(readdirSync(join(app, "build"))).toContain("nginx-src"); // the work tree is the project's, not the package's

    const conf = await ok("npm", ["run", "conf"], app);
    expect(conf.stdout).toMatch(/\/hello {2}content_by_wasm on_content/);
    const text = readFileSync(join(app, "build", "nginx.conf"), "utf8");
    expect(text).toContain(`load_module ${so};`);
    expect(text).toContain(`content_by_wasm ${join(app, "build", "hello.wasm")} on_content;`);
    // nginx -t loads the module and compiles the guest (wasm2c + cc)
    const nginxT = await run(NGINX_BIN, ["-t", "-p", `${join(app, "build")}/`, "-c", "nginx.conf", "-e", "error.log"], app);
    expect(nginxT.code, nginxT.stderr).toBe(0);

    // serveGuests from the installed ngxwasm/testing: real nginx on a free port
    writeFileSync(
      join(app, "test", "hello-nginx.test.ts"),
      `import { afterAll, beforeAll, expect, it } from "vitest";
import { serveGuests, type Nginx } from "ngxwasm/testing";

let ngx: Nginx;
beforeAll(async () => {
  ngx = await serveGuests([{ wasm: "build/hello.wasm" }]);
});
afterAll(async () => {
  await ngx?.stop();
});

it("nginx serves guests/hello at /hello", async () => {
  const r = await ngx.get("/hello?name=nginx");
  expect(r.status).toBe(200);
  expect(r.headers["x-greeter"]).toBe("ngxwasm");
  expect(r.text).toBe("hello, nginx\\n");
});
`,
    );
    const e2e = await ok("npx", ["vitest", "run", "test/hello-nginx.test.ts"], app);
    expect(e2e.stdout).toMatch(/Tests\s+.*1 passed/);
  }, 900_000);
});
