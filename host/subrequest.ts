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
  async finish(resolver: ((sr: SubrequestCall) => SubrequestReply | Promise<SubrequestReply>) | undefined, logs: LogEntry[]): Promise<void> {
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
    this.finished = {
      status: reply.status,
      headers,
      body: call.options & SubrequestOption.CAPTURE_BODY ? body : undefined,
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
      const uri = text(uriBytes);
      const args = text(argsBytes);
      if (sr.pending || !uri.startsWith("/") || !METHODS.has(method) || (options & ~KNOWN_OPTIONS) !== 0) {
        return Status.ERROR;
      }
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
