// GENERATED from host-abi/hosts.json by host-abi/hosts.ts. Do not edit; run `make gen`.
//
// What each host implements, for the validator's `host` option (host/validate.ts)
// and the CLI's `--host` (cli/).

import type { Phase } from "./tables.js";

export const HOST_NAMES = ["nginx","ngx_wasm","ts"] as const;
export type HostName = (typeof HOST_NAMES)[number];

/** The host the CLI checks against when --host is not given. */
export const DEFAULT_HOST: HostName = "nginx";

export interface HostDirective {
  name: string;
  /** nginx contexts (http, server, location, upstream); absent when not documented */
  contexts?: readonly string[];
  doc: string;
}

export interface HostInfo {
  name: HostName;
  /** e.g. "the in-process host" */
  title: string;
  doc: string;
  /** it reads nginx configuration (`ngxwasm install` can target it) */
  nginxConf: boolean;
  /** ABI areas whose functions a guest may import */
  areas: readonly string[];
  /** phases it runs (their *_by_wasm directives) */
  phases: readonly Phase[];
  /** its other directives; absent when not recorded */
  directives?: readonly HostDirective[];
}

export const HOSTS: readonly HostInfo[] = [
  {"name":"nginx","title":"this project's nginx module","doc":"ngx_http_wasm_module (nginx/module/) for Debian's nginx: guests compiled with wasm2c when the configuration is loaded; a guest importing a function of an area it lacks is refused by nginx -t. balancer_by_wasm (before keepalive in upstream {}) adds the variables $wasm_balancer_try (1-based, one per try under proxy_next_upstream) and $wasm_balancer_peers.","nginxConf":true,"areas":["log","response","body_filter","request","variables","time","shared_dict","metrics","subrequest","yield","balancer","ssl"],"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer","ssl_client_hello","ssl_certificate"],"directives":[{"name":"wasm_request_body_buffer_size","contexts":["http","server","location"],"doc":"SIZE: the most request body a guest reads with req_get_body (default 64k)"},{"name":"wasm_subrequest_buffer_size","contexts":["http","server","location"],"doc":"SIZE: the most subrequest response body captured for subreq_get_body (default 64k); a larger body is not captured: get_body and get_body_len return -2, the status and headers stay readable"},{"name":"wasm_body_filter_file_chunk_size","contexts":["http","server","location"],"doc":"SIZE: file-backed response bodies reach body_filter_by_wasm in chunks of at most SIZE (default 16k); 0 = file-backed buffers pass untouched, the guest sees the rest and the end of the body"},{"name":"wasm_fuel_limit","contexts":["http","server","location"],"doc":"N: fuel per invocation, one unit per loop iteration and per call of a guest function that calls or loops (deterministic, as the in-process host's fuelLimit); past it the invocation traps (500); 0 = no limit (default). Where it or wasm_timeslice_fuel applies the guest runs compiled with fuel charges, elsewhere without; $wasm_fuel_used is the fuel the request's invocations used"},{"name":"wasm_timeslice_fuel","contexts":["http","server","location"],"doc":"N: a guest call in server_rewrite, rewrite, access or content is suspended after each N units of fuel and resumed on a later event-loop iteration, so the worker serves other connections meanwhile; 0 = run to completion (default)"},{"name":"wasm_time_limit","contexts":["http","server","location"],"doc":"TIME: per invocation, 0 = off (default 100ms)"},{"name":"wasm_max_invocations","contexts":["http","server","location"],"doc":"N: invocations of one export in one request (the first plus every re-invocation after ngx_wasm_yield); past it the request fails with 500; 0 = no bound (default 1000)"},{"name":"wasm_cache_path","contexts":["http"],"doc":"PATH: where compiled guests are cached (default: wasm_cache in the prefix); it must come before the first guest directive"},{"name":"wasm_shm_zone","contexts":["http"],"doc":"NAME SIZE: the shared key/value zone of the shm_* functions (one per http block, at least 32k); a guest importing shm_* needs it; kept across reloads while NAME and SIZE stay"},{"name":"wasm_metrics_zone","contexts":["http"],"doc":"NAME SIZE: the zone of the declared metrics (one per http block; nginx -t names the minimum size); values are kept across reloads, per series, while NAME and SIZE stay"},{"name":"wasm_counter","contexts":["http"],"doc":"NAME [HELP]: declare a counter; NAME may carry Prometheus labels, 'NAME{label=\"value\",...}', one # HELP/# TYPE block per NAME"},{"name":"wasm_gauge","contexts":["http"],"doc":"NAME [HELP]: declare a gauge, as wasm_counter"},{"name":"wasm_metrics","contexts":["location"],"doc":"serve every declared metric in Prometheus text format 0.0.4 (GET/HEAD)"}]},
  {"name":"ngx_wasm","title":"the reference ngx_wasm host","doc":"The out-of-tree ngx_wasm module on Wasmtime whose ABI this project targets (ABI.md): every area, every phase but access, which it has not shipped.","nginxConf":true,"areas":["log","response","body_filter","request","variables","time","shared_dict","metrics","subrequest","yield","balancer","ssl"],"phases":["server_rewrite","rewrite","content","header_filter","body_filter","log","balancer","ssl_client_hello","ssl_certificate"],"directives":[{"name":"wasm_shm_zone","contexts":["http"],"doc":"NAME SIZE: the shared key/value zone"},{"name":"wasm_metrics_zone","contexts":["http"],"doc":"NAME SIZE: the metrics zone"},{"name":"wasm_counter","contexts":["http"],"doc":"NAME: declare a counter"},{"name":"wasm_gauge","contexts":["http"],"doc":"NAME: declare a gauge"},{"name":"wasm_metrics","contexts":["location"],"doc":"serve the metrics in Prometheus text format"},{"name":"wasm_request_body_buffer_size","contexts":["http","server","location"],"doc":"SIZE: the most request body a guest reads"},{"name":"wasm_subrequest_buffer_size","contexts":["http","server","location"],"doc":"SIZE: the most subrequest body a guest reads"},{"name":"wasm_body_filter_file_chunk_size","contexts":["http","server","location"],"doc":"SIZE: file-backed bodies reach the body filter in chunks of at most SIZE (default 16k); 0 = they pass untouched"},{"name":"wasm_fuel_limit","doc":"Wasmtime fuel per invocation"},{"name":"wasm_timeslice_fuel","doc":"Wasmtime fuel per time slice"}]},
  {"name":"ts","title":"the in-process host","doc":"The TypeScript host under host/ (Host.load, Host.run) for unit tests: every area, every phase; it reads no nginx configuration.","nginxConf":false,"areas":["log","response","body_filter","request","variables","time","shared_dict","metrics","subrequest","yield","balancer","ssl"],"phases":["server_rewrite","rewrite","access","content","header_filter","body_filter","log","balancer","ssl_client_hello","ssl_certificate"]},
];

export const HOST_BY_NAME: ReadonlyMap<string, HostInfo> = new Map(HOSTS.map((h) => [h.name, h]));
