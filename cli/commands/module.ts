// `ngxwasm module build [--out DIR] [--work DIR] [--any-version]`, `ngxwasm module check`
import type { Command } from "commander";
import { displayPath, err, out } from "../format.js";
import { aptLine, buildModule, checkRequirements, nginxInfo, type Requirement } from "../module.js";

export interface ModuleCommandOptions {
  out: string;
  work?: string;
  anyVersion?: boolean;
}

function reportProblems(problems: Requirement[]): void {
  for (const p of problems) err(`ngxwasm module: ${p.problem}${p.debianPackage ? ` (Debian package ${p.debianPackage})` : ""}`);
  const apt = aptLine(problems);
  if (apt) err(`install what is missing: ${apt}`);
}

export async function runModuleCheck(options: { anyVersion?: boolean }): Promise<number> {
  const problems = checkRequirements({ anyVersion: options.anyVersion });
  if (problems.length) {
    reportProblems(problems);
    return 1;
  }
  const nginx = nginxInfo()!;
  out(`ok: ngx_http_wasm_module can be built for ${nginx.binary} (nginx ${nginx.version}, --with-compat)`);
  return 0;
}

export async function runModuleBuild(options: ModuleCommandOptions): Promise<number> {
  const problems = checkRequirements({ anyVersion: options.anyVersion });
  if (problems.length) {
    reportProblems(problems);
    err("nothing was built");
    return 1;
  }
  const nginx = nginxInfo()!;
  out(`building ngx_http_wasm_module for ${nginx.binary} (nginx ${nginx.version}); the first build takes a minute or two`);
  let so: string;
  try {
    so = await buildModule({ out: options.out, work: options.work, anyVersion: options.anyVersion, onOutput: (text) => process.stderr.write(text) });
  } catch (e) {
    err(`ngxwasm module: ${(e as Error).message}`);
    return 1;
  }
  out(`built ${displayPath(so)}`);
  out("load it at the top of nginx.conf (`ngxwasm conf --module` writes it for you):");
  out(`  load_module ${so};`);
  return 0;
}

export function register(program: Command, finish: (code: number) => void): void {
  const module = program
    .command("module")
    .description("build the nginx host module (ngx_http_wasm_module.so) for the nginx on this machine");
  module
    .command("build")
    .description("build ngx_http_wasm_module.so from the sources shipped in the package")
    .option("-o, --out <dir>", "where ngx_http_wasm_module.so is written", "build/module")
    .option("--work <dir>", "the nginx build tree (a copy of nginx-dev's /usr/share/nginx/src; default: nginx-src beside --out)")
    .option("--any-version", "build for an nginx other than 1.22 (the version the module is written for)")
    .addHelpText(
      "after",
      `
Checks first, and builds nothing when something is missing, naming the Debian
package to install: nginx (built --with-compat, as Debian's is), nginx-dev (the
source tree /usr/share/nginx/src, the same version as nginx; it brings
libssl-dev), gcc (cc: the build, and the module compiles each guest at
nginx -t), make, wabt (/usr/bin/wasm2c and wasm-validate, run by the module on
each guest). Then copies the source tree to --work once, configures it with
--with-compat --with-http_ssl_module --add-dynamic-module=<the package's
nginx/module>, and runs make modules; later builds redo only what changed.
Prints the load_module line. Needs nothing from the ngxwasm repository.
Exit code: 0 built, 1 something missing or the build failed, 2 usage error.

Examples:
  $ ngxwasm module build                       # → build/module/ngx_http_wasm_module.so
  $ ngxwasm module build --out /etc/nginx/modules-wasm --work /var/tmp/ngxwasm-nginx
  $ ngxwasm module check                       # only the checks`,
    )
    .action(async (options: ModuleCommandOptions) => finish(await runModuleBuild(options)));
  module
    .command("check")
    .description("check that the module can be built here and loaded by this nginx (builds nothing)")
    .option("--any-version", "accept an nginx other than 1.22")
    .addHelpText(
      "after",
      `
The checks of \`ngxwasm module build\`, one line per problem with the Debian
package that fixes it, then the apt-get line.
Exit code: 0 all there, 1 something missing.

Examples:
  $ ngxwasm module check                       # before ngxwasm module build
  $ ngxwasm module check --any-version         # an nginx other than 1.22`,
    )
    .action(async (options: { anyVersion?: boolean }) => finish(await runModuleCheck(options)));
}
