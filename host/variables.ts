// nginx variables as a guest reads them: derived built-ins computed from the
// request like nginx computes them, prefix families (arg_, http_, cookie_), and
// user variables (`set $x` in nginx; `request.variables` here). Names are
// case-insensitive, as nginx lower-cases variable names.

import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { text } from "./memory.js";
import type { RequestState } from "./request.js";

export type VariableValue = string | Uint8Array;

export interface VariableSources {
  request: RequestState;
  /** current response status, for `$status` (0 = none yet → "000") */
  status(): number;
  /** balancer phase: this try (1-based) and the upstream's peers, for `$wasm_balancer_try` / `$wasm_balancer_peers` */
  balancer?: { try: number; peers: number };
}

type Builtin = { get(s: VariableSources): VariableValue | undefined; set?(s: VariableSources, value: string): void };

const BUILTINS: Record<string, Builtin> = {
  request_method: { get: (s) => s.request.method },
  uri: { get: (s) => s.request.uri },
  document_uri: { get: (s) => s.request.uri },
  // nginx: not found without a query string; only $args can be changed
  args: { get: (s) => s.request.args || undefined, set: (s, v) => void (s.request.args = v) },
  query_string: { get: (s) => s.request.args || undefined },
  is_args: { get: (s) => (s.request.args ? "?" : "") },
  request_uri: { get: (s) => s.request.requestUri },
  request: { get: (s) => `${s.request.method} ${s.request.requestUri} HTTP/1.1` },
  server_protocol: { get: () => "HTTP/1.1" },
  remote_addr: { get: (s) => s.request.remoteAddr },
  host: {
    get: (s) => {
      const host = s.request.header("host");
      return host ? host.replace(/:\d+$/, "").toLowerCase() : s.request.serverName;
    },
  },
  scheme: { get: (s) => s.request.scheme },
  https: { get: (s) => (s.request.scheme === "https" ? "on" : "") },
  server_name: { get: (s) => s.request.serverName },
  status: { get: (s) => String(s.status()).padStart(3, "0") },
  content_length: { get: (s) => s.request.header("content-length") },
  content_type: { get: (s) => s.request.header("content-type") },
  request_body: { get: (s) => s.request.body },
  request_id: { get: (s) => s.request.requestId },
  // the nginx module's, set from the balancer's first try on
  wasm_balancer_try: { get: (s) => (s.balancer ? String(s.balancer.try) : undefined) },
  wasm_balancer_peers: { get: (s) => (s.balancer ? String(s.balancer.peers) : undefined) },
};

/** First `name=value` in a query string (nginx's ngx_http_arg: case-insensitive, value not decoded). */
function queryArg(args: string, name: string): string | undefined {
  for (const part of args.split("&")) {
    const eq = part.indexOf("=");
    if (eq >= 0 && part.slice(0, eq).toLowerCase() === name) return part.slice(eq + 1);
  }
  return undefined;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq >= 0 && part.slice(0, eq).trim().toLowerCase() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function prefixed(s: VariableSources, name: string): VariableValue | undefined {
  if (name.startsWith("arg_")) return queryArg(s.request.args, name.slice(4));
  if (name.startsWith("http_")) {
    const wanted = name.slice(5);
    return s.request.headers.find(([n]) => n.toLowerCase().replace(/-/g, "_") === wanted)?.[1];
  }
  if (name.startsWith("cookie_")) return cookie(s.request.header("cookie"), name.slice(7));
  return undefined;
}

const PREFIXES = ["arg_", "http_", "cookie_"];

export class Variables {
  private readonly user = new Map<string, string>();

  constructor(
    private readonly sources: VariableSources,
    initial: Record<string, string> = {},
  ) {
    for (const [name, value] of Object.entries(initial)) {
      const lower = name.toLowerCase();
      if (lower in BUILTINS) {
        throw new Error(`request.variables: "${name}" is an nginx built-in variable; pass it through request options instead`);
      }
      this.user.set(lower, value);
    }
  }

  /** undefined: unknown variable or no value (var_get returns -1). */
  get(name: string): VariableValue | undefined {
    const lower = name.toLowerCase();
    const builtin = BUILTINS[lower];
    if (builtin) return builtin.get(this.sources);
    if (this.user.has(lower)) return this.user.get(lower);
    return prefixed(this.sources, lower);
  }

  /** 0 OK, -1 unknown variable, -2 a built-in nginx does not let you change. */
  set(name: string, value: string): 0 | -1 | -2 {
    const lower = name.toLowerCase();
    const builtin = BUILTINS[lower];
    if (builtin) {
      if (!builtin.set) return -2;
      builtin.set(this.sources, value);
      return 0;
    }
    if (this.user.has(lower)) {
      this.user.set(lower, value);
      return 0;
    }
    return PREFIXES.some((p) => lower.startsWith(p)) ? -2 : -1;
  }

  /** User variables with their current values (lower-case names). */
  userRecord(): Record<string, string> {
    return Object.fromEntries(this.user);
  }
}

export function variableFunctions(ctx: RunContext): Pick<HostFunctions, "ngx_wasm_var_get" | "ngx_wasm_var_set"> {
  const encoder = new TextEncoder();
  return {
    ngx_wasm_var_get(name, buf) {
      const value = ctx.variables.get(text(name));
      if (value === undefined) return Status.NOT_FOUND;
      return buf.copy(typeof value === "string" ? encoder.encode(value) : value);
    },
    ngx_wasm_var_set(name, value) {
      return ctx.variables.set(text(name), text(value));
    },
  };
}
