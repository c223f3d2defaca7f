// `ngxwasm conf <file.wasm>… [--module SO] [--listen ADDR] [--phase NAME=PHASE[:EXPORT]]…
//  [--upstream NAME=HOST:PORT,…]… [--ssl-certificate FILE --ssl-certificate-key FILE]
//  [--location NAME=/path]… [--directive NAME=TEXT]… [--snippet] [--out FILE] [--host NAME]`
import type { Command } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { renderConf, type ConfOptions } from "../conf.js";
import { displayPath, err, out, repeatable } from "../format.js";
import { hostOption } from "../hosts.js";

export async function runConf(files: string[], options: ConfOptions & { out?: string }): Promise<number> {
  const result = await renderConf(files, options);
  if (!result.text) {
    for (const p of result.problems) err(p);
    err(`nothing written: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}`);
    return 1;
  }
  if (!options.snippet && !existsSync(options.module)) {
    err(`warning: the module ${options.module} does not exist yet — build it with \`ngxwasm module build --out ${dirname(options.module)}\``);
  }
  if (!options.out) {
    process.stdout.write(result.text);
    return 0;
  }
  mkdirSync(dirname(resolve(options.out)), { recursive: true });
  writeFileSync(options.out, result.text);
  out(`wrote ${displayPath(options.out)}:`);
  for (const g of result.guests) {
    out(`  ${g.location}  ${g.handlers.map((h) => `${h.phase.directive} ${h.exportName}`).join(", ")}  (${displayPath(g.wasmPath)})`);
  }
  if (!options.snippet) {
    out(`run it: nginx -p ${dirname(resolve(options.out))}/ -c ${basename(options.out)} -e error.log -g 'daemon off;'`);
  }
  return 0;
}

export function register(program: Command, finish: (code: number) => void): void {
  program
    .command("conf")
    .description("write a standalone nginx.conf (or location blocks) serving built guests")
    .argument("<file.wasm...>", "the guests to serve, each at /<name> (its file name without .wasm)")
    .option("-m, --module <path>", "the ngx_http_wasm_module.so to load (from `ngxwasm module build`)", "build/module/ngx_http_wasm_module.so")
    .option("-l, --listen <addr>", "the server's listen address", "127.0.0.1:8080")
    .addOption(repeatable("-p, --phase <name=phase[:export]>", "a phase of guest NAME with its handler export (default: its exports named for a phase, e.g. on_content)"))
    .addOption(repeatable("--location <name=path>", "where guest NAME is served (default /<name>)"))
    .addOption(repeatable("-d, --directive <name=text>", 'an extra directive for guest NAME\'s block, e.g. "up=proxy_pass http://127.0.0.1:9000;"'))
    .addOption(repeatable("-u, --upstream <name=host:port,...>", "the servers a balancer guest NAME picks among (an upstream {} named NAME; its location proxies to it)"))
    .option("--ssl-certificate <file>", "make the server a TLS server with this fallback certificate (for on_client_hello / on_certificate guests)")
    .option("--ssl-certificate-key <file>", "the key of --ssl-certificate")
    .option("--snippet", "only the location blocks, for a server block of an nginx you run")
    .option("-o, --out <file>", "write to this file (default: print it)")
    .addOption(hostOption("the host whose rules each handler is validated against"))
    .addHelpText(
      "after",
      `
Each guest gets a location block with one directive per handler:
content_by_wasm <absolute .wasm path> on_content; and so on. Without --phase,
its handlers are the exports named for a phase (on_rewrite, on_access,
on_content, on_header, on_body, on_log, on_balancer, on_client_hello,
on_certificate). A balancer guest gets an upstream {} named after it, with
the --upstream servers, and a location that proxies to it (not with
--snippet); TLS guests (on_client_hello, on_certificate) need a TLS server:
--ssl-certificate and --ssl-certificate-key, its fallback. Each handler is validated
for its phase as \`ngxwasm install\` does; nothing is written when one has a
problem. The whole nginx.conf loads --module, keeps pid, logs, temp files and
compiled guests (wasm_cache) under the prefix nginx is started with, and
serves on --listen: run it with
  nginx -p "$PWD/build/" -c nginx.conf -e error.log -g 'daemon off;'
(as root, nginx's workers switch to its default user: add "user root;" for a
local test, or make the .wasm files readable to that user).
Exit code: 0 written, 1 a guest has problems, 2 usage error.

Examples:
  $ ngxwasm conf build/hello.wasm --module build/module/ngx_http_wasm_module.so --out build/nginx.conf
  $ ngxwasm conf build/hello.wasm build/uppercase.wasm --listen 127.0.0.1:9090 \\
      --directive 'uppercase=proxy_pass http://127.0.0.1:9000;'
  $ ngxwasm conf build/auth.wasm --phase auth=access:on_access --location auth=/ --snippet
  $ ngxwasm conf build/pick-backend.wasm --location pick-backend=/ \\
      --upstream pick-backend=127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003
  $ ngxwasm conf build/sni-cert.wasm --listen 127.0.0.1:8443 \\
      --ssl-certificate default.crt --ssl-certificate-key default.key`,
    )
    .action(async (files: string[], options: ConfOptions & { out?: string }) => finish(await runConf(files, options)));
}
