// The commands that make ngxwasm usable outside this repository: init, conf,
// module check, their --help; and how `ngxwasm build` finds the "ngxwasm" SDK
// (node_modules from the guest's directory first, then its own SDK).
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGuests } from "../../cli/build.js";
import { nodeModulesDirs } from "../../cli/sdk-resolution.js";
import { buildGuest } from "../support/guests.js";
import { ensureModule, MODULE_SO, NGINX_BIN } from "../support/nginx.js";
import { selfSigned } from "../support/tls.js";
import { ensureCliBuilt, ROOT, runCli, tempDir } from "./cli.js";

beforeAll(ensureCliBuilt);

const HELP: Record<string, string[]> = {
  init: ["--from", "--force"],
  conf: ["--module", "--listen", "--phase", "--location", "--directive", "--upstream", "--ssl-certificate", "--ssl-certificate-key", "--snippet", "--out", "--host"],
  "module build": ["--out", "--work", "--any-version"],
  "module check": ["--any-version"],
};

describe("--help of the package commands", () => {
  it("ngxwasm --help lists init, module and conf", async () => {
    const r = await runCli(["--help"]);
    for (const name of ["init", "module", "conf"]) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  for (const [name, options] of Object.entries(HELP)) {
    it(`${name} --help lists its options and examples`, async () => {
      const r = await runCli([...name.split(" "), "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: ngxwasm ${name} `));
      for (const option of options) expect(r.stdout).toContain(option);
      expect(r.stdout).toMatch(new RegExp(`Examples:\\n {2}\\$ ngxwasm ${name} `));
    });
  }

  it("ngxwasm module without a subcommand is a usage error", async () => {
    expect((await runCli(["module"])).code).toBe(2);
  });
});

describe("ngxwasm init", () => {
  it("creates the project in a new directory, ngxwasm from --from as a file: dependency", async () => {
    const dir = join(tempDir(), "fresh");
    const r = await runCli(["init", dir, "--from", ROOT]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}guests\/hello\/index\.ts$/m);
    expect(r.stdout).toMatch(/^next:\n {2}cd .*fresh\n {2}npm install\n {2}npm run build\n {2}npm test$/m);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, Record<string, string>>;
    expect(pkg.devDependencies!.ngxwasm).toBe(`file:${ROOT}`);
    expect(pkg.devDependencies!.vitest).toBeDefined();
    expect(pkg.scripts!.build).toBe("ngxwasm build guests/*/ --out-dir build");
    expect(pkg.scripts!.dev).toBe("ngxwasm dev");
    expect(readFileSync(join(dir, "test", "hello.test.ts"), "utf8")).toMatch(/from "ngxwasm\/testing"/);
    expect(JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8").replace(/^\/\/.*$/gm, ""))).toMatchObject({ extends: "ngxwasm/tsconfig.guest.json" });
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toContain("node_modules/");
  });

  it("without --from, depends on the running version", async () => {
    const dir = join(tempDir(), "versioned");
    expect((await runCli(["init", dir])).code).toBe(0);
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).devDependencies.ngxwasm).toBe(`^${version}`);
  });

  it("refuses a directory with other files, naming them, unless --force", async () => {
    const dir = join(tempDir(), "busy");
    mkdirSync(join(dir, "guests", "hello"), { recursive: true });
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    writeFileSync(join(dir, "guests", "hello", "index.ts"), "// my own hello\n");
    const refused = await runCli(["init", dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/busy is not empty \(guests, notes\.txt\) — pick a new or empty directory, or pass --force/);
    expect(readFileSync(join(dir, "guests", "hello", "index.ts"), "utf8")).toBe("// my own hello\n");
    const forced = await runCli(["init", dir, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, "guests", "hello", "index.ts"), "utf8")).toMatch(/from "ngxwasm"/);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine\n");
  });

  it("extends an npm-init'ed package.json, keeping its own scripts and fields", async () => {
    const dir = join(tempDir(), "npm-inited");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "mine", version: "2.0.0", scripts: { test: 'echo "Error: no test specified" && exit 1', build: "make" } }));
    const r = await runCli(["init", dir]);
    expect(r.stdout).toMatch(/package\.json extended/);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string; scripts: Record<string, string> };
    expect(pkg).toMatchObject({ name: "mine", version: "2.0.0" });
    expect(pkg.scripts.build).toBe("make"); // theirs
    expect(pkg.scripts.test).toBe("vitest run"); // npm init's placeholder replaced
  });

  it("a --from that does not exist is a usage error", async () => {
    const r = await runCli(["init", join(tempDir(), "nowhere"), "--from", "/no/such/ngxwasm.tgz"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from \/no\/such\/ngxwasm\.tgz: no such file or directory/);
  });
});

describe("ngxwasm conf", () => {
  let hello: string;
  let uppercase: string;
  let dir: string;

  beforeAll(async () => {
    dir = join(tempDir(), "conf");
    mkdirSync(dir, { recursive: true });
    // conf names guests after their files
    hello = join(dir, "hello.wasm");
    uppercase = join(dir, "uppercase.wasm");
    copyFileSync(await buildGuest("guests/hello"), hello);
    copyFileSync(await buildGuest("guests/uppercase"), uppercase);
  });

  it("serves each guest at /<name> with the handlers its export names say, by absolute path", async () => {
    const r = await runCli(["conf", hello, uppercase, "--module", MODULE_SO, "--listen", "127.0.0.1:9999", "--directive", "uppercase=proxy_pass http://127.0.0.1:9000"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`load_module ${MODULE_SO};`);
    expect(r.stdout).toContain("listen 127.0.0.1:9999;");
    expect(r.stdout).toContain(`location /hello {\n            content_by_wasm ${hello} on_content;\n        }`);
    expect(r.stdout).toContain(
      `location /uppercase {\n            header_filter_by_wasm ${uppercase} on_header;\n            body_filter_by_wasm ${uppercase} on_body;\n            proxy_pass http://127.0.0.1:9000;\n        }`,
    );
  });

  it("--snippet writes only the location blocks; --phase and --location choose", async () => {
    const out = join(dir, "snippet.conf");
    const r = await runCli(["conf", hello, "--snippet", "--phase", "hello=rewrite:on_content", "--location", "hello=/", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*snippet\.conf:\n {2}\/ {2}rewrite_by_wasm on_content/m);
    const text = readFileSync(out, "utf8");
    expect(text).toContain(`location / {\n    rewrite_by_wasm ${hello} on_content;\n}`);
    expect(text).not.toContain("load_module");
  });

  it("a handler the phase does not allow: exit 1, the validator's problem, nothing written", async () => {
    const out = join(dir, "refused.conf");
    const r = await runCli(["conf", hello, "--phase", "hello=log:on_content", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hello\.wasm: .*ngx_wasm_resp_write.* is not allowed in phase log/);
    expect(r.stderr).toMatch(/nothing written: 1 problem/);
    expect(existsSync(out)).toBe(false);
  });

  it("a module without a conventionally named handler: exit 1, naming its exports and --phase", async () => {
    const src = join(dir, "odd");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "index.ts"), 'import { Response, handle } from "ngxwasm";\nexport function serve(): i32 { return handle((): void => { Response.say("odd"); }); }\n');
    const [built] = await buildGuests([src], { outDir: dir });
    expect(built!.ok, built!.errors.join("\n")).toBe(true);
    const r = await runCli(["conf", built!.wasmPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/odd\.wasm: exports no conventionally named handler \(.*; it exports (memory, serve|serve, memory)\) — name its phases: --phase odd=content:<export>/);
    const named = await runCli(["conf", built!.wasmPath, "--phase", "odd=content:serve", "--snippet"]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toContain(`content_by_wasm ${built!.wasmPath} serve;`);
  });

  it("--phase for a guest that is not given is a usage error naming the guests", async () => {
    const r = await runCli(["conf", hello, "--phase", "nope=content"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--phase "nope=content": write it as NAME=…, NAME one of the guests \(hello\)/);
  });

  /** `nginx -t` of <prefix>/nginx.conf with the module (which compiles the guests). */
  function nginxTest(prefix: string): Promise<{ code: number; output: string }> {
    return new Promise((resolve) =>
      execFile(NGINX_BIN, ["-t", "-p", `${prefix}/`, "-c", "nginx.conf", "-e", "error.log"], { timeout: 120_000 }, (e, so, se) =>
        resolve({ code: e ? Number(e.code) : 0, output: so + se }),
      ),
    );
  }

  it("the standalone nginx.conf passes nginx -t with the module (which compiles the guests)", async () => {
    await ensureModule();
    const prefix = join(dir, "prefix");
    mkdirSync(prefix, { recursive: true });
    const r = await runCli(["conf", hello, uppercase, "--module", MODULE_SO, "--out", join(prefix, "nginx.conf")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/run it: nginx -p .*prefix\/ -c nginx\.conf -e error\.log/);
    const t = await nginxTest(prefix);
    expect(t.code, t.output).toBe(0);
    expect(t.output).toMatch(/test is successful/);
  });

  /** The module built, guests/<name> built into dir/<name>.wasm, and an empty nginx prefix dir/prefix-<name>. */
  async function example(name: string): Promise<{ wasm: string; prefix: string }> {
    await ensureModule();
    const wasm = join(dir, `${name}.wasm`);
    copyFileSync(await buildGuest(`guests/${name}`), wasm);
    const prefix = join(dir, `prefix-${name}`);
    mkdirSync(prefix, { recursive: true });
    return { wasm, prefix };
  }

  it("a balancer guest: an upstream {} of the --upstream servers and a location proxying to it; nginx -t passes", async () => {
    const { wasm: pick, prefix } = await example("pick-backend");
    const r = await runCli(["conf", pick, hello, "--module", MODULE_SO, "--location", "pick-backend=/", "--upstream", "pick-backend=127.0.0.1:9001,127.0.0.1:9002",
      "--upstream", "pick-backend=127.0.0.1:9003", "--out", join(prefix, "nginx.conf")]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(prefix, "nginx.conf"), "utf8");
    expect(text).toContain(`    upstream pick-backend {\n        balancer_by_wasm ${pick} on_balancer;\n        server 127.0.0.1:9001;\n        server 127.0.0.1:9002;\n        server 127.0.0.1:9003;\n    }`);
    expect(text).toContain(`location / {\n            proxy_pass http://pick-backend;\n        }`);
    expect(text).toContain(`location /hello {\n            content_by_wasm ${hello} on_content;\n        }`);
    const t = await nginxTest(prefix);
    expect(t.code, t.output).toBe(0);

    // without servers, with a --snippet, or servers for a guest without a balancer: nothing written
    const none = await runCli(["conf", pick]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("pick-backend has a balancer handler, which picks among an upstream's servers — name them: --upstream pick-backend=");
    const snippet = await runCli(["conf", pick, "--snippet", "--upstream", "pick-backend=127.0.0.1:9001"]);
    expect(snippet.code).toBe(1);
    expect(snippet.stderr).toContain("a --snippet (included in a server block) cannot hold");
    const stray = await runCli(["conf", hello, "--upstream", "hello=127.0.0.1:9001"]);
    expect(stray.code).toBe(1);
    expect(stray.stderr).toContain("--upstream hello=… is given, but hello has no balancer handler");
  });

  it("TLS guests: a TLS server with the fallback certificate and the hooks at server level; nginx -t passes", async () => {
    const { wasm: sni, prefix } = await example("sni-cert");
    const pair = selfSigned(prefix, "fallback.test");
    writeFileSync(join(prefix, "fallback.crt"), pair.cert);
    writeFileSync(join(prefix, "fallback.key"), pair.key);
    const r = await runCli(["conf", sni, hello, "--module", MODULE_SO, "--listen", "127.0.0.1:8443", "--ssl-certificate", join(prefix, "fallback.crt"),
      "--ssl-certificate-key", join(prefix, "fallback.key"), "--out", join(prefix, "nginx.conf")]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(prefix, "nginx.conf"), "utf8");
    expect(text).toContain(`listen 127.0.0.1:8443 ssl;`);
    expect(text).toContain(`ssl_certificate ${join(prefix, "fallback.crt")};\n        ssl_certificate_key ${join(prefix, "fallback.key")};`);
    expect(text).toContain(`# sni-cert (server-level)\n        ssl_client_hello_by_wasm ${sni} on_client_hello;\n        ssl_certificate_by_wasm ${sni} on_certificate;`);
    const t = await nginxTest(prefix);
    expect(t.code, t.output).toBe(0);

    const bare = await runCli(["conf", sni]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("sni-cert's ssl_client_hello_by_wasm, ssl_certificate_by_wasm run in TLS handshakes — give the server its fallback certificate: --ssl-certificate FILE --ssl-certificate-key FILE");
    const half = await runCli(["conf", sni, "--ssl-certificate", join(prefix, "fallback.crt")]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--ssl-certificate and --ssl-certificate-key go together");
  });
});

describe("ngxwasm module check", () => {
  function check(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) =>
      execFile(process.execPath, [join(ROOT, "bin", "ngxwasm.js"), "module", "check"], { env: { ...process.env, ...env } }, (e, stdout, stderr) =>
        resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
      ),
    );
  }

  it("on this machine (make test installs nginx, nginx-dev, gcc, make, wabt): ok, naming nginx's version", async () => {
    const r = await check({});
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: ngx_http_wasm_module can be built for \S+ \(nginx 1\.22\.\d+, --with-compat\)$/m);
  });

  it("an nginx without --with-compat, of another version: each problem, and the Debian package to install", async () => {
    const fake = join(tempDir(), "fake-nginx");
    writeFileSync(fake, '#!/bin/sh\necho "nginx version: nginx/1.25.3" >&2\necho "configure arguments: --prefix=/opt/nginx" >&2\n');
    chmodSync(fake, 0o755);
    const r = await check({ NGINX: fake });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${fake} (nginx 1.25.3) was configured without --with-compat`);
    expect(r.stderr).toMatch(/is nginx 1\.25\.3; the module is written for nginx 1\.22 .* --any-version/);
    expect(r.stderr).toMatch(/the nginx source tree \/usr\/share\/nginx\/src is nginx 1\.22\.\d+ but .* is 1\.25\.3/);
    expect(r.stderr).toMatch(/^install what is missing: (sudo )?apt-get install nginx nginx-dev$/m);
  });
});

describe("ngxwasm module build without a C compiler", () => {
  it("builds nothing and names gcc and make", async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(ROOT, "bin", "ngxwasm.js"), "module", "build", "--out", join(tempDir(), "no-cc")], { env: { ...process.env, PATH: "/nonexistent" } }, (e, stdout, stderr) =>
        resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ngxwasm module: no C compiler (cc) on the PATH: the build, and the module at nginx -t, compile C (Debian package gcc)");
    expect(r.stderr).toContain("ngxwasm module: make is not on the PATH (Debian package make)");
    expect(r.stderr).toMatch(/^install what is missing: (sudo )?apt-get install gcc make$/m);
    expect(r.stderr).toMatch(/^nothing was built$/m);
    expect(existsSync(join(tempDir(), "no-cc"))).toBe(false);
  });
});

describe("how `ngxwasm build` resolves \"ngxwasm\"", () => {
  it("lists node_modules directories from the guest's directory up, as Node does", () => {
    expect(nodeModulesDirs("/a/b")).toEqual(["/a/b/node_modules", "/a/node_modules", "/node_modules"]);
    expect(nodeModulesDirs("/a/node_modules/x")).toEqual(["/a/node_modules/x/node_modules", "/a/node_modules", "/node_modules"]);
  });

  it("a project's own node_modules/ngxwasm comes before the SDK of the running ngxwasm", async () => {
    const project = join(tempDir(), "own-sdk");
    const pkg = join(project, "node_modules", "ngxwasm");
    mkdirSync(join(pkg, "sdk"), { recursive: true });
    // a stand-in SDK: the runtime hooks the build wires in, and one function the real SDK lacks
    copyFileSync(join(ROOT, "sdk", "runtime.ts"), join(pkg, "sdk", "runtime.ts"));
    copyFileSync(join(ROOT, "sdk", "raw.ts"), join(pkg, "sdk", "raw.ts"));
    writeFileSync(join(pkg, "index.ts"), "export function standIn(): i32 { return 0; }\n");
    mkdirSync(join(project, "guests", "g"), { recursive: true });
    writeFileSync(join(project, "guests", "g", "index.ts"), 'import { standIn } from "ngxwasm";\nexport function on_content(): i32 { return standIn(); }\n');
    const [own] = await buildGuests([join(project, "guests", "g")], { outDir: join(project, "build") });
    expect(own!.errors).toEqual([]);
    expect(own!.ok).toBe(true);

    // the same guest outside that project gets the real SDK, which has no standIn
    const elsewhere = join(tempDir(), "no-node-modules", "g");
    mkdirSync(elsewhere, { recursive: true });
    copyFileSync(join(project, "guests", "g", "index.ts"), join(elsewhere, "index.ts"));
    const [fallback] = await buildGuests([elsewhere], { outDir: join(tempDir(), "no-node-modules", "build") });
    expect(fallback!.ok).toBe(false);
    expect(fallback!.errors.join("\n")).toMatch(/Module '~lib\/ngxwasm' has no exported member 'standIn'/);
  });
});
