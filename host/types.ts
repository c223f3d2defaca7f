// The public option and result types of the in-process host.

import type { Phase } from "../host-abi/tables.js";
import type { MetricDeclarations } from "./metrics.js";
import type { TrapKind } from "./traps.js";

export interface HostOptions {
  /** the shared dict zone; LRU eviction when its capacity is exceeded (default 1 MiB) */
  shm?: { capacityBytes?: number };
  /**
   * declared metrics, as `wasm_counter NAME [HELP];` / `wasm_gauge NAME [HELP];`:
   * a name, or `{ name, help }`; a name may carry labels (`'hits{code="200"}'`)
   */
  metrics?: MetricDeclarations;
  /** "manual" freezes time until `host.clock.advance/set` (default "real") */
  clock?: "real" | "manual";
  /** guest memory limit in 64 KiB pages (default 256 = 16 MiB) */
  maxMemoryPages?: number;
}

export interface RunOptions {
  phase: Phase;
  /** default: the phase's conventional export (PHASES[].export) */
  export?: string;
  request?: {
    /** default "GET" */
    method?: string;
    /** default "/"; "/path?a=b" also sets args when `args` is absent */
    uri?: string;
    /** query string without "?" (default "") */
    args?: string;
    headers?: Record<string, string> | [string, string][];
    /** absent: req_get_body returns -1 (no body read) */
    body?: string | Uint8Array;
    /** default "127.0.0.1" */
    remoteAddr?: string;
    /** default "http" */
    scheme?: string;
    /** default "localhost" */
    serverName?: string;
    /** user variables (like `set $x`): readable and changeable by the guest */
    variables?: Record<string, string>;
  };
  /** the upstream response, for header_filter / body_filter / log (status default 200) */
  response?: { status?: number; headers?: Record<string, string>; chunks?: (string | Uint8Array)[] };
  /** resolves ngx_wasm_subreq; without it a subrequest gets status 502 and a host warning in `logs` */
  subrequest?: (sr: SubrequestCall) => SubrequestReply | Promise<SubrequestReply>;
  /**
   * balancer: number of servers in the upstream block (default 1) and which
   * try this is (1-based, default 1; retries under proxy_next_upstream count
   * up), the guest's `$wasm_balancer_peers` and `$wasm_balancer_try`
   */
  upstream?: { peers: number; try?: number };
  /** SSL phases: the client's SNI (absent: ssl_get_server_name returns -1) */
  ssl?: { serverName?: string };
  /**
   * `wasm_request_body_buffer_size` of the location, in bytes (default 65536,
   * nginx's default): a larger body makes req_get_body return -2 with an error log line
   */
  requestBodyBufferSize?: number;
  /**
   * `wasm_subrequest_buffer_size` of the location, in bytes (default 65536,
   * nginx's default): a larger captured body is not kept (subreq_get_body and
   * subreq_get_body_len return -2; status and headers stay) and a WARN host log entry says so
   */
  subrequestBufferSize?: number;
  /** bound for yield/subrequest re-invocations (default 1000) */
  maxInvocations?: number;
  /**
   * `wasm_fuel_limit` of the location: units of fuel each invocation may use
   * (one per guest function call and loop iteration, as nginx counts); past it
   * the invocation traps with "fuel exhausted". Default: no limit (the fuel
   * used is still counted, see RunResult.fuel).
   */
  fuelLimit?: number;
}

export interface LogEntry {
  level: number;
  levelName: string;
  message: string;
  /** "guest" for ngx_wasm_log; "host" for notes the host adds (e.g. an unresolved subrequest) */
  source: "guest" | "host";
}

export interface SubrequestCall {
  uri: string;
  args: string;
  /** nginx method number as passed by the guest (0 = GET) */
  method: number;
  /** option flags (1 = capture body) */
  options: number;
  /** headers staged with subreq_set_header (lower-case names) */
  headers: Record<string, string>;
}

export interface SubrequestReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RunResult {
  /** the export returned 0 every time and nothing trapped */
  ok: boolean;
  /** final status; 500 when the handler failed in a phase that can still respond; 0 when no response was produced (fall-through, balancer, SSL) */
  status: number;
  /** response headers, lower-case names */
  headers: Record<string, string>;
  body: string;
  bodyBytes: Uint8Array;
  /** body_filter: output per input chunk */
  chunks: Uint8Array[];
  logs: LogEntry[];
  /** last value returned by the export */
  returnCode?: number;
  trap?: { kind: TrapKind; message: string };
  /** one line like nginx's error log line for the failure */
  error?: string;
  /** 1 + number of re-invocations (body_filter: one per chunk) */
  invocations: number;
  /**
   * fuel the invocations used, summed (one unit per guest function call and
   * loop iteration: what nginx's $wasm_fuel_used shows under wasm_fuel_limit);
   * an invocation that ran out counts its whole limit
   */
  fuel: number;
  /** rewrite/server_rewrite/access: the guest set neither status nor body, so nginx goes on */
  fellThrough: boolean;
  /** request headers after the run (lower-case names) */
  requestHeaders: Record<string, string>;
  /** user variables after the run (lower-case names) */
  variables: Record<string, string>;
  /** the request line after the run (`args` is changeable) */
  request: { method: string; uri: string; args: string };
  subrequests: SubrequestCall[];
  /** balancer: the chosen peer index */
  peer?: number;
  /** SSL: the alert the handshake is rejected with */
  sslRejectAlert?: number;
  /** ssl_certificate: the PEM certificate and key the guest chose */
  certificate?: { cert: string; key: string };
}
