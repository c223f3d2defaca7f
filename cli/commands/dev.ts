// `ngxwasm dev [entry…] [--port N] [--host ADDR] [--host-mode auto|nginx|ts]
//  [--module PATH] [--nginx PATH] [--phase [NAME=]PHASE[:EXPORT]]… [--location [NAME=]PATH]…
//  [--origin URL] [--counter SERIES]… [--gauge SERIES]… [--metrics-location PATH] [--out-dir DIR]`
import { Option, type Command } from "commander";
import { DEV_PHASES, HOST_MODES, runDev, type DevOptions } from "../dev.js";
import { repeatable, UsageError } from "../format.js";

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new UsageError(`--port ${value} is not a TCP port (1-65535)`);
  return n;
}

export function register(program: Command, finish: (code: number) => void): void {
  program
    .command("dev")
    .description("serve guests on localhost, rebuilding them on every save (real nginx when available, else the in-process host)")
    .argument("[entry...]", "guest directories (holding index.ts) or .ts files (default: the current directory)")
    .option("--port <n>", "the port to listen on", port, 8080)
    .option("--host <address>", "the address to listen on", "127.0.0.1")
    .addOption(new Option("--host-mode <mode>", "what serves: nginx (this project's module), ts (the in-process host), or auto: nginx when its binary and the built module are found").choices(HOST_MODES).default("auto"))
    .option("--module <path>", "the nginx module (default: build/module/ngx_http_wasm_module.so here or in the ngxwasm checkout)")
    .option("--nginx <path>", "the nginx binary (default: $NGINX, /usr/sbin/nginx, then $PATH)")
    .addOption(repeatable("-p, --phase <[name=]phase[:export]>", `a phase the guest runs in, with its handler export (${DEV_PHASES.join(", ")}; default content); name= picks one guest`))
    .addOption(repeatable("-l, --location <[name=]path>", "where a guest is served (default / for one guest, /<name> for several); name= picks one guest"))
    .option("--origin <url>", "pass requests through to this origin where no guest answers them: locations without a content handler, other paths, subrequests")
    .addOption(repeatable("--counter <series>", 'declare a counter the guests may change (as wasm_counter: a name, or name{label="value",...})'))
    .addOption(repeatable("--gauge <series>", "declare a gauge the guests may change (as wasm_gauge)"))
    .option("--metrics-location <path>", "where the declared series are served as Prometheus text (as wasm_metrics)", "/metrics")
    .option("-o, --out-dir <dir>", "where builds go (<name>.wasm; the nginx prefix in nginx/)", "build/dev")
    .addHelpText(
      "after",
      `
Builds each guest in this process (as ngxwasm build), validates it for its
phases, and serves it. Every file the compiler read for a guest — its own
sources and the SDK files it imports — is watched: a save rebuilds that guest
and serves the new build, printing "rebuilt NAME in 0.42 s, serving". A
compile error is printed (file:line:column and asc's message) and the last good
build keeps serving. Guest log lines (ngx_wasm_log) are printed as
"[level] [wasm] message".

With nginx, the guests are installed into a private prefix (<out-dir>/nginx:
nginx.conf, conf.d/<name>.conf as ngxwasm install writes them, error.log),
nginx runs in the foreground as a child process and is reloaded after each
rebuild. The in-process host (host/) runs the same phases behind Node's http
server. Ctrl-C stops, nginx included.

Note: here --host is the address to listen on; what serves is --host-mode.

Examples:
  $ ngxwasm dev guests/hello                         # http://127.0.0.1:8080/
  $ ngxwasm dev guests/hello guests/echo --port 9000  # /hello and /echo
  $ ngxwasm dev guests/uppercase --phase header_filter:on_header \\
      --phase body_filter:on_body --origin http://127.0.0.1:8081
  $ ngxwasm dev guests/aggregate --location /aggregate --origin http://127.0.0.1:9000
  $ ngxwasm dev guests/status-metrics --location /status/ --phase content:on_content \\
      --phase log:on_log --counter 'responses_total{class="2xx"}' \\
      --counter 'responses_total{class="4xx"}'        # and GET /metrics
  $ ngxwasm dev --host-mode ts                        # the guest in ., without nginx`,
    )
    .action(async (entries: string[], options: DevOptions) => finish(await runDev(entries, options)));
}
