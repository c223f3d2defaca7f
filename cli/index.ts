// The `ngxwasm` command line: one commander program, one file per command in
// commands/. `main` returns the exit code: 0 ok, 1 problems found or build
// failed, 2 usage error.
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../host-abi/generate.js";
import * as build from "./commands/build.js";
import * as conf from "./commands/conf.js";
import * as dev from "./commands/dev.js";
import * as init from "./commands/init.js";
import * as inspect from "./commands/inspect.js";
import * as install from "./commands/install.js";
import * as moduleCommand from "./commands/module.js";
import * as validate from "./commands/validate.js";
import { err, UsageError } from "./format.js";

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** Run the CLI on `argv` (as in process.argv: node, script, arguments…). */
export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const finish = (c: number) => void (code = c);
  const program = new Command("ngxwasm")
    .description("Build, validate, inspect and install NGINX request handlers written in TypeScript (ngx_wasm guests).")
    .version(version(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help for a command")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ ngxwasm build guests/hello --out-dir build/guests
  $ ngxwasm validate build/guests/hello.wasm --export on_content --phase content
  $ ngxwasm inspect build/guests/hello.wasm
  $ ngxwasm install build/guests/hello.wasm --tree nginx --location /hello
  $ ngxwasm init my-guests
  $ ngxwasm dev guests/hello --port 8080
  $ ngxwasm module build --out build/module
  $ ngxwasm conf build/hello.wasm --module build/module/ngx_http_wasm_module.so --out build/nginx.conf`,
    );
  // Subcommands inherit exitOverride/showHelpAfterError when added after them.
  build.register(program, finish);
  validate.register(program, finish);
  inspect.register(program, finish);
  install.register(program, finish);
  init.register(program, finish);
  dev.register(program, finish);
  moduleCommand.register(program, finish);
  conf.register(program, finish);

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end parsing with an "error" too; they are successes.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT_OK;
      return EXIT_USAGE; // commander already printed the message
    }
    if (e instanceof UsageError) {
      err(`ngxwasm: ${e.message}`);
      return EXIT_USAGE;
    }
    err(`ngxwasm: ${(e as Error).stack ?? String(e)}`);
    return EXIT_PROBLEMS;
  }
}
