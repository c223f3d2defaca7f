// `ngxwasm init [dir] [--from <tarball|dir>] [--force]`
import type { Command } from "commander";
import { displayPath, out } from "../format.js";
import { initProject, nextSteps, type InitOptions } from "../init.js";

export async function runInit(dir: string | undefined, options: InitOptions): Promise<number> {
  const result = initProject(dir ?? ".", options);
  out(`created an ngxwasm project in ${displayPath(result.dir)}${result.mergedPackageJson ? " (package.json extended)" : ""}:`);
  for (const file of result.written) out(`  ${file}`);
  out("next:");
  for (const step of nextSteps(result)) out(`  ${step}`);
  out("then README.md: serve it from nginx (npm run module, conf, serve)");
  return 0;
}

export function register(program: Command, finish: (code: number) => void): void {
  program
    .command("init")
    .description("create a project: one guest, its vitest test, an nginx snippet, package.json scripts")
    .argument("[dir]", "the project directory, created when missing (default: the current directory)")
    .option("--from <tarball|dir>", "depend on ngxwasm as file:<path> (a tarball from npm pack, or a package directory) instead of ^<this version>")
    .option("-f, --force", "write into a directory that holds other files; scaffold files already there are overwritten, package.json scripts too")
    .addHelpText(
      "after",
      `
Writes package.json (ngxwasm and vitest as devDependencies; scripts build,
test, dev, module, conf, serve), tsconfig.json (editor types: i32, @external,
"ngxwasm"), guests/hello/index.ts, test/hello.test.ts (the guest in the
in-process host, through ngxwasm/testing), vitest.config.ts, nginx/hello.conf
(a location block for an nginx you run), README.md (what to do next) and
.gitignore. A directory counts as empty when it holds nothing but
package.json, package-lock.json, node_modules, .git, .gitignore or .npmrc (as
after \`npm init -y && npm i -D ngxwasm\`): an existing package.json is
extended — its own scripts and its ngxwasm dependency are kept. Anything else
there is refused unless --force.
Exit code: 0 created, 2 usage error (a non-empty directory, a bad --from).

Examples:
  $ ngxwasm init my-guests && cd my-guests && npm install && npm run build && npm test
  $ ngxwasm init /tmp/try --from ./ngxwasm-0.1.0.tgz
  $ mkdir hello && cd hello && npm init -y && npm i -D ngxwasm && npx ngxwasm init`,
    )
    .action(async (dir: string | undefined, options: InitOptions) => finish(await runInit(dir, options)));
}
