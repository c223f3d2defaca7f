// Subrequests: the guest stages headers and launches one subrequest, returns,
// and is re-invoked once it has finished; the subreq_get_* functions then read
// its result. Here `RunOptions.subrequest` plays nginx's internal location.

import { Method, Status, SubrequestOption } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { text } from "./memory.js";
import type { LogEntry, SubrequestCall, SubrequestReply } from "./types.js";

const METHODS = new Set<number>(Object.values(Method));
const KNOWN_OPTIONS = SubrequestOption.CAPTURE_BODY;
const encoder = new TextEncoder();
/** nginx's default wasm_subrequest_buffer_size */
export const DEFAULT_SUBREQUEST_BUFFER_SIZE = 64 * 1024;

/**
 * What nginx's ngx_http_parse_unsafe_uri refuses (as SSI does): a NUL, or a
 * ".." segment, before or after %XX decoding. A "?" in the uri starts the
 * args, which must then not be given separately as well.
 */
function unsafeUri(uri: string, args: string): { uri: string; args: string } | undefined {
  const q = uri.indexOf("?");
  if (q >= 0) {
    if (args.length > 0) return undefined;
    args = uri.slice(q + 1);
    uri = uri.slice(0, q);
  }
  const dotdot = (u: string): boolean => u.includes("\0") || /(^|\/)\.\.(\/|$)/.test(u);
  if (dotdot(uri)) return undefined;
  if (uri.includes("%")) {
    const decoded = Buffer.from(uri.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("latin1");
    if (dotdot(decoded)) return undefined;
  }
  return { uri, args };
}

interface FinishedSubrequest {
  status: number;
  headers: Map<string, string>;
  /** undefined unless CAPTURE_BODY was requested */
  body?: Uint8Array;
}

export class SubrequestState {
  /** staged for the next launch (lower-case names) */
  readonly staged = new Map<string, string>();
  /** launched, not finished yet */
  pending?: SubrequestCall;
  finished?: FinishedSubrequest;
  readonly calls: SubrequestCall[] = [];

  /** Finish the pending subrequest with the test's resolver; no resolver answers 502 with a host warning. */
  async finish(
    resolver: ((sr: SubrequestCall) => SubrequestReply | Promise<SubrequestReply>) | undefined,
    logs: LogEntry[],
    bufferSize = DEFAULT_SUBREQUEST_BUFFER_SIZE,
  ): Promise<void> {
    const call = this.pending!;
    let reply: SubrequestReply;
    if (resolver) {
      reply = await resolver(call);
    } else {
      logs.push({
        level: 5,
        levelName: "WARN",
        message: `subrequest to "${call.uri}" answered 502: no RunOptions.subrequest resolver was given`,
        source: "host",
      });
      reply = { status: 502 };
    }
    const headers = new Map(Object.entries(reply.headers ?? {}).map(([n, v]) => [n.toLowerCase(), v]));
    const body = typeof reply.body === "string" ? encoder.encode(reply.body) : (reply.body ?? new Uint8Array());
    let capture = (call.options & SubrequestOption.CAPTURE_BODY) !== 0;
    if (capture && body.length > bufferSize) {
      // nginx's words: the body is not captured, status and headers stay
      capture = false;
      logs.push({
        level: 5,
        levelName: "WARN",
        message: `subrequest "${call.uri}" answered more than wasm_subrequest_buffer_size (${bufferSize} bytes): its body is not captured`,
        source: "host",
      });
    }
    this.finished = {
      status: reply.status,
      headers,
      body: capture ? body : undefined,
    };
    this.pending = undefined;
  }
}

type SubrequestFunctions = Pick<
  HostFunctions,
  | "ngx_wasm_subreq_set_header" | "ngx_wasm_subreq" | "ngx_wasm_subreq_get_status"
  | "ngx_wasm_subreq_get_header" | "ngx_wasm_subreq_get_body" | "ngx_wasm_subreq_get_body_len"
>;

export function subrequestFunctions(ctx: RunContext): SubrequestFunctions {
  const sr = ctx.subrequest;
  return {
    ngx_wasm_subreq_set_header(name, value) {
      const lower = text(name).toLowerCase();
      if (value.length === 0) sr.staged.delete(lower);
      else sr.staged.set(lower, text(value));
      return Status.OK;
    },
    ngx_wasm_subreq(uriBytes, argsBytes, method, options) {
      const given = text(uriBytes);
      const safe = unsafeUri(given, text(argsBytes));
      if (sr.pending || !given.startsWith("/") || !safe || !METHODS.has(method) || (options & ~KNOWN_OPTIONS) !== 0) {
        return Status.ERROR;
      }
      const { uri, args } = safe;
      sr.pending = { uri, args, method, options, headers: Object.fromEntries(sr.staged) };
      sr.calls.push(sr.pending);
      sr.staged.clear();
      return Status.OK;
    },
    ngx_wasm_subreq_get_status() {
      return sr.finished ? sr.finished.status : Status.ERROR;
    },
    ngx_wasm_subreq_get_header(name, buf) {
      if (!sr.finished) return Status.ERROR;
      const value = sr.finished.headers.get(text(name).toLowerCase());
      if (value === undefined) return Status.NOT_FOUND;
      return buf.copy(encoder.encode(value));
    },
    ngx_wasm_subreq_get_body(buf) {
      const body = sr.finished?.body;
      if (!body) return Status.ERROR;
      buf.copy(body);
      return Math.min(buf.length, body.length); // this getter returns the bytes copied
    },
    ngx_wasm_subreq_get_body_len() {
      const body = sr.finished?.body;
      return body ? body.length : Status.ERROR;
    },
  };
}
