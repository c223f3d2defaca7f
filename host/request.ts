// The client request as a guest sees it: request line, headers (ordered, names
// matched case-insensitively, like nginx's headers_in list) and the body.

import { randomBytes } from "node:crypto";
import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { text } from "./memory.js";
import type { RunOptions } from "./types.js";

export class RequestState {
  readonly method: string;
  readonly uri: string;
  /** query string without `?`; changeable through the `args` variable */
  args: string;
  /** the request line's URI as the client sent it (`$request_uri`), unaffected by later changes */
  readonly requestUri: string;
  readonly headers: [string, string][];
  /** undefined: no body was read (req_get_body returns -1) */
  readonly body?: Uint8Array;
  readonly remoteAddr: string;
  readonly scheme: string;
  readonly serverName: string;
  /** `$request_id`: 32 random hex digits per request, as nginx draws them */
  readonly requestId = randomBytes(16).toString("hex");

  constructor(options: RunOptions["request"] = {}) {
    this.method = options.method ?? "GET";
    // "/path?a=b" is accepted as uri when args is not given separately.
    const rawUri = options.uri ?? "/";
    const q = rawUri.indexOf("?");
    this.uri = q >= 0 ? rawUri.slice(0, q) : rawUri;
    this.args = options.args ?? (q >= 0 ? rawUri.slice(q + 1) : "");
    this.requestUri = this.args ? `${this.uri}?${this.args}` : this.uri;
    const headers = options.headers ?? [];
    this.headers = Array.isArray(headers) ? headers.map(([n, v]) => [n, v]) : Object.entries(headers);
    this.body = typeof options.body === "string" ? new TextEncoder().encode(options.body) : options.body;
    this.remoteAddr = options.remoteAddr ?? "127.0.0.1";
    this.scheme = options.scheme ?? "http";
    this.serverName = options.serverName ?? "localhost";
  }

  /** First value of a header (case-insensitive name), like nginx's lookup. */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
  }

  /** Replace every header of that name; an empty value removes it. */
  setHeader(name: string, value: string): void {
    const lower = name.toLowerCase();
    for (let i = this.headers.length - 1; i >= 0; i--) {
      if (this.headers[i]![0].toLowerCase() === lower) this.headers.splice(i, 1);
    }
    if (value !== "") this.headers.push([name, value]);
  }

  /** Headers with lower-case names (a repeated header keeps its first value). */
  headerRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [n, v] of this.headers) out[n.toLowerCase()] ??= v;
    return out;
  }
}

/** nginx's default `wasm_request_body_buffer_size` (64k). */
export const DEFAULT_BODY_BUFFER_SIZE = 65536;

/**
 * A body over `wasm_request_body_buffer_size` is answered 413 before a guest
 * that reads bodies runs (run.ts), as nginx and the reference host do: the
 * log line both hosts write, or undefined when the body fits.
 */
export function bodyTooLarge(ctx: RunContext, guestName: string, exportName: string): string | undefined {
  const limit = ctx.options.requestBodyBufferSize ?? DEFAULT_BODY_BUFFER_SIZE;
  if (ctx.request.body === undefined || ctx.request.body.length <= limit) return undefined;
  return `wasm: the request body is larger than wasm_request_body_buffer_size (${limit} bytes in this location): 413 before guest "${guestName}" export "${exportName}" (phase ${ctx.phase}) runs`;
}

type RequestFunctions = Pick<HostFunctions, "ngx_wasm_req_get_header" | "ngx_wasm_req_set_header" | "ngx_wasm_req_get_body">;

export function requestFunctions(ctx: RunContext): RequestFunctions {
  const req = ctx.request;
  const encoder = new TextEncoder();
  return {
    ngx_wasm_req_get_header(name, buf) {
      const value = req.header(text(name));
      if (value === undefined) return Status.NOT_FOUND;
      return buf.copy(encoder.encode(value));
    },
    ngx_wasm_req_set_header(name, value) {
      req.setHeader(text(name), text(value));
      return Status.OK;
    },
    ngx_wasm_req_get_body(buf) {
      if (req.body === undefined) return Status.NOT_FOUND;
      return buf.copy(req.body);
    },
  };
}
