// Subrequests: the guest stages headers and launches one subrequest, returns,
// and is re-invoked once it has finished; the subreq_get_* functions then read
// its result. Here `RunOptions.subrequest` plays nginx's internal location.

import { Method, Status, SubrequestOption } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { anyNegative } from "./memory.js";
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
    ngx_wasm_subreq_set_header(np, nl, vp, vl) {
      if (anyNegative(np, nl, vp, vl)) return Status.ERROR;
      const header = ctx.memory.readHeader(np, nl, vp, vl, "subrequest header");
      if (header === undefined) return Status.ERROR;
      if (header.value === "") sr.staged.delete(header.name.toLowerCase());
      else sr.staged.set(header.name.toLowerCase(), header.value);
      return Status.OK;
    },
    ngx_wasm_subreq(up, ul, ap, al, method, options) {
      if (anyNegative(up, ul, ap, al)) return Status.ERROR;
      const uri = ctx.memory.readString(up, ul, "subrequest uri");
      const args = ctx.memory.readString(ap, al, "subrequest args");
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
    ngx_wasm_subreq_get_header(np, nl, bp, bl) {
      if (anyNegative(np, nl, bp, bl) || !sr.finished) return Status.ERROR;
      const value = sr.finished.headers.get(ctx.memory.readString(np, nl, "subrequest header name").toLowerCase());
      if (value === undefined) return Status.NOT_FOUND;
      return ctx.memory.copyOut(bp, bl, encoder.encode(value), "subreq_get_header buffer");
    },
    ngx_wasm_subreq_get_body(bp, bl) {
      const body = sr.finished?.body;
      if (anyNegative(bp, bl) || !body) return Status.ERROR;
      ctx.memory.copyOut(bp, bl, body, "subreq_get_body buffer");
      return Math.min(bl, body.length); // this getter returns the bytes copied
    },
    ngx_wasm_subreq_get_body_len() {
      const body = sr.finished?.body;
      return body ? body.length : Status.ERROR;
    },
  };
}
