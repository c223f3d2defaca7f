// The raw-ABI area tables: one table of cases per ABI area, run on the
// in-process host (host.run) and on nginx with our module from the same
// case objects, each checked against one expectation object, so a
// difference between the hosts fails a test.
//
// A case is the WAT body of one export (`c<index>`), which calls the ABI by
// its own import names (`$ngx_wasm_req_get_header`, …: a grep for the
// function finds its tests), a phase, a request, for filter and log phases
// the upstream response, and what must be observed. The export reports the
// raw return codes it saw through a channel that works in its phase:
//
//   content, rewrite, access, server_rewrite   the response body (resp_write)
//   header_filter                               response header X-Report
//   body_filter                                 the chunk's output (set_body_chunk)
//   log, balancer, ssl_*                        a NOTICE log line "report <text>"
//   (or "reqheader": request header X-Report, seen by the upstream after a fall-through)
//
// Helpers every export can call (WAT): `(call $rc X)` appends "rc=<X>;",
// `(call $peek N)` appends "[<first N bytes of BUF, escaped>]",
// `(call $num X)`, `(call $say PTR LEN)` (raw), `(call $esc PTR LEN)`
// (printable ASCII as is, other bytes and `\` as \hh), `(call $u64 PTR)`
// (decimal of a little-endian u64), `(call $fill)` (BUF[0..256) = '#').
// `(str "…")` expands to `(i32.const PTR) (i32.const LEN)` of a data segment.
// Locals $n $i $m $k (i32) exist in every export; `(global.get $BUF)` is a
// 16 KiB scratch buffer.
//
// On nginx: one nginx per table (file), one guest built from the cases nginx
// can run, one `location =` per case (server_rewrite: one server block per
// case, chosen by Host; ssl_client_hello/ssl_certificate: one TLS server per
// case on a port of its own, reached by a real handshake with the case's SNI,
// with a certificate made at start, CN "areas-default"), and a small Node upstream: the fall-through target of
// rewrite/access (it echoes what it received) and, for filter/log cases that
// need upstream headers or several chunks, the upstream response. A case runs
// on nginx only when host-abi/hosts-table.ts says the nginx host implements
// its phase and the areas of every function it calls; otherwise only its
// TS-host row exists.
import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOST_BY_NAME } from "../../host-abi/hosts-table.js";
import { HOST_FUNCTION_BY_NAME, HOST_FUNCTIONS, PHASE_NAMES, type HostFunctionInfo, type Phase } from "../../host-abi/tables.js";
import { Host, type Guest, type HostOptions, type RunOptions, type RunResult, type SubrequestCall } from "../../host/index.js";
import { Nginx, rawHttp } from "../support/nginx.js";
import { abiImport, wat } from "../support/wat.js";

// ------------------------------------------------------------------ memory layout

export const PAGE = 65536;
/** digits scratch 0..63; "X-Report" at 128 */
const X_REPORT = 128;
const STR_BASE = 1024;
/** the report accumulates here; "report " sits just before it, for the log channel */
export const OUT = 32768;
const OUT_MAX = 8192;
const STR_END = OUT - 8;
/** the scratch buffer getters copy into ($BUF) */
export const BUF = 40960;
export const BUF_LEN = 16384;

// ------------------------------------------------------------------ cases

export type Report = "body" | "header" | "reqheader" | "log" | "chunk" | "none";

export interface AreaRequest {
  method?: string;
  /** query string without "?" */
  query?: string;
  /** sent in this order, after Host (which a case may override) */
  headers?: [string, string][];
  body?: string;
}

export interface UpstreamResponse {
  status?: number;
  /** default text/plain */
  contentType?: string;
  /** further upstream headers: nginx proxies to the Node upstream for them */
  headers?: Record<string, string>;
  /** the body; default "upstream body" */
  body?: string;
  /**
   * Send the body as these chunks (the Node upstream writes them 50 ms
   * apart through an unbuffered proxy). nginx then runs the body filter once
   * per chunk and once more for the end of the body (an empty last chunk):
   * the in-process host is given the same sequence.
   */
  chunks?: string[];
}

export interface Expect {
  /** the report, through the phase's channel (see the header of this file) */
  report?: string | RegExp;
  status?: number;
  /** lower-case names; null = absent */
  headers?: Record<string, string | RegExp | null>;
  body?: string | RegExp;
  /** rewrite/access: the guest produced no response, so nginx went on */
  fellThrough?: boolean;
  /** after a fall-through: request headers the next phase saw (lower-case; null = absent) */
  requestHeaders?: Record<string, string | null>;
  /** after a fall-through: the query string the next phase saw */
  args?: string;
  /** the guest's ngx_wasm_log lines, "LEVEL message", in order (the report line left out) */
  logs?: (string | RegExp)[];
  /** a line the host itself logged for this request (TS: logs of source "host"; nginx: "wasm: …" lines) */
  hostLog?: RegExp;
  /** the export trapped; the message matches */
  trap?: RegExp;
  /** the host gave up on the export (e.g. too many re-invocations); the message matches */
  failed?: RegExp;
  /** the export returned this non-zero value */
  returned?: number;
  /** balancer: the peer chosen (nginx: the upstream server that answered) */
  peer?: number;
  /** TS-host-only observations (their areas or phases are not in the nginx host) */
  sslRejectAlert?: number;
  /** ssl_certificate: whether a certificate was chosen */
  certificate?: boolean;
  /**
   * What nginx shows instead, where it must differ from the in-process host
   * (say why in the case). On nginx, sslRejectAlert is the alert the client
   * received (-1: the handshake failed without one) and certificate whether
   * the served certificate is not the server's default.
   */
  onNginx?: Partial<Omit<Expect, "onNginx">>;
  subrequests?: Partial<SubrequestCall>[];
  /** more checks, on both hosts */
  check?: (o: Observed) => void;
}

export interface AreaCase {
  name: string;
  phase: Phase;
  /** WAT instructions of the export's body */
  wat: string;
  /** module fields the case needs (globals, functions); names must not clash across cases */
  fields?: string;
  request?: AreaRequest;
  /** header_filter, body_filter, log: the response the guest sees */
  response?: UpstreamResponse;
  /** default by phase (see the header of this file) */
  report?: Report;
  /** wasm_request_body_buffer_size (nginx) / requestBodyBufferSize (TS) */
  bodyBufferSize?: number;
  /** wasm_max_invocations (nginx) / maxInvocations (TS) */
  maxInvocations?: number;
  /** more directives in the case's nginx location (e.g. an error_log level) */
  nginxLocation?: string;
  /** run options only the in-process host has (its areas and phases nginx lacks) */
  ts?: Pick<RunOptions, "ssl" | "upstream" | "subrequest" | "subrequestBufferSize">;
  expect: Expect;
}

/** What one host showed for one case. */
export interface Observed {
  host: "ts" | "nginx";
  status: number;
  headers: Record<string, string>;
  body: string;
  fellThrough: boolean;
  requestHeaders: Record<string, string>;
  args?: string;
  logs: string[];
  hostLogs: string[];
  report?: string;
  failure?: { kind: "trapped" | "returned" | "failed"; message: string };
  /** the TS host's full result */
  ts?: RunResult;
  /** nginx, ssl phases: the alert the client received (-1: failed without one) */
  sslRejectAlert?: number;
  /** nginx, ssl phases: the served certificate is not the default one */
  certificate?: boolean;
  /** nginx, balancer: which server of the case's upstream block answered */
  peer?: number;
}

const REQUEST_PHASES: readonly Phase[] = ["server_rewrite", "rewrite", "access", "content"];
const TLS_PHASES: readonly Phase[] = ["ssl_client_hello", "ssl_certificate"];
const isTls = (c: AreaCase): boolean => TLS_PHASES.includes(c.phase);

function reportOf(c: AreaCase): Report {
  if (c.report) return c.report;
  if (REQUEST_PHASES.includes(c.phase)) return "body";
  if (c.phase === "header_filter") return "header";
  if (c.phase === "body_filter") return "chunk";
  return "log";
}

// ------------------------------------------------------------------ which host runs what

/** The ABI functions a case calls (its WAT, its fields, and its report channel). */
export function functionsOf(c: AreaCase): HostFunctionInfo[] {
  const names = new Set((c.wat + (c.fields ?? "")).match(/\$ngx_wasm_\w+/g)?.map((n) => n.slice(1)) ?? []);
  const channel: Record<Report, string | undefined> = {
    body: "ngx_wasm_resp_write",
    header: "ngx_wasm_resp_set_header",
    reqheader: "ngx_wasm_req_set_header",
    log: "ngx_wasm_log",
    chunk: "ngx_wasm_resp_set_body_chunk",
    none: undefined,
  };
  const flush = channel[reportOf(c)];
  if (flush) names.add(flush);
  return [...names].map((n) => {
    const info = HOST_FUNCTION_BY_NAME.get(n);
    if (!info) throw new Error(`case "${c.name}": ${n} is not an ABI function`);
    return info;
  });
}

const NGINX = HOST_BY_NAME.get("nginx")!;

/** True when the nginx host implements the case's phase and the area of every function it calls. */
export function nginxRuns(c: AreaCase): boolean {
  return NGINX.phases.includes(c.phase) && functionsOf(c).every((f) => NGINX.areas.includes(f.area));
}

// ------------------------------------------------------------------ WAT

/** Bytes of a WAT string literal's body. */
function watStringBytes(body: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      out.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[++i]!;
    if (/[0-9a-fA-F]/.test(next)) {
      out.push(parseInt(body.slice(i, i + 2), 16));
      i++;
    } else if (next === "u") {
      const end = body.indexOf("}", i);
      out.push(...Buffer.from(String.fromCodePoint(parseInt(body.slice(i + 2, end), 16)), "utf8"));
      i = end;
    } else {
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "'": 39, "\\": 92 };
      if (!(next in simple)) throw new Error(`unknown WAT escape \\${next}`);
      out.push(simple[next]!);
    }
  }
  return Buffer.from(out);
}

/** A `(str "…")` operand pair for arbitrary bytes (every byte escaped). */
export function str(bytes: string | Uint8Array): string {
  const b = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes);
  return `(str "${[...b].map((x) => "\\" + x.toString(16).padStart(2, "0")).join("")}")`;
}

/** Replace every `(str "…")` with its (ptr, len) and return the data segments. */
function expandStrings(text: string): { text: string; segments: string[] } {
  const placed = new Map<string, number>();
  const segments: string[] = [];
  let next = STR_BASE;
  const out = text.replace(/\(str "((?:[^"\\]|\\.)*)"\)/g, (_m, body: string) => {
    const bytes = watStringBytes(body);
    const hex = bytes.toString("hex");
    let ptr = placed.get(hex);
    if (ptr === undefined) {
      ptr = next;
      next += bytes.length + 1;
      if (next > STR_END) throw new Error(`(str …) literals overflow ${STR_BASE}..${STR_END}`);
      placed.set(hex, ptr);
      segments.push(`(data (i32.const ${ptr}) "${hex.replace(/../g, "\\$&")}")`);
    }
    return `(i32.const ${ptr}) (i32.const ${bytes.length})`;
  });
  return { text: out, segments };
}

const PRELUDE = `
  (global $olen (mut i32) (i32.const 0))
  (global $BUF i32 (i32.const ${BUF}))
  (data (i32.const ${X_REPORT}) "X-Report")
  (data (i32.const ${OUT - 7}) "report ")
  (func $byte (param $b i32)
    (if (i32.lt_u (global.get $olen) (i32.const ${OUT_MAX}))
      (then
        (i32.store8 (i32.add (i32.const ${OUT}) (global.get $olen)) (local.get $b))
        (global.set $olen (i32.add (global.get $olen) (i32.const 1))))))
  (func $say (param $p i32) (param $n i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (call $byte (i32.load8_u (i32.add (local.get $p) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $hexdigit (param $d i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $d) (i32.const 10))
      (then (i32.add (local.get $d) (i32.const 48)))
      (else (i32.add (local.get $d) (i32.const 87)))))
  (func $esc (param $p i32) (param $n i32) (local $i i32) (local $b i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $i))))
      (if (i32.and (i32.and (i32.ge_u (local.get $b) (i32.const 32)) (i32.lt_u (local.get $b) (i32.const 127)))
                   (i32.ne (local.get $b) (i32.const 92)))
        (then (call $byte (local.get $b)))
        (else
          (call $byte (i32.const 92))
          (call $byte (call $hexdigit (i32.shr_u (local.get $b) (i32.const 4))))
          (call $byte (call $hexdigit (i32.and (local.get $b) (i32.const 15))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $u64dec (param $m i64) (local $p i32)
    (local.set $p (i32.const 64))
    (loop $l
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $m) (i64.const 10)))))
      (local.set $m (i64.div_u (local.get $m) (i64.const 10)))
      (br_if $l (i64.ne (local.get $m) (i64.const 0))))
    (call $say (local.get $p) (i32.sub (i32.const 64) (local.get $p))))
  (func $num (param $v i32)
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then
        (call $byte (i32.const 45))
        (call $u64dec (i64.sub (i64.const 0) (i64.extend_i32_s (local.get $v)))))
      (else (call $u64dec (i64.extend_i32_u (local.get $v))))))
  (func $u64 (param $p i32)
    (call $u64dec (i64.load (local.get $p))))
  (func $rc (param $v i32)
    (call $byte (i32.const 114)) (call $byte (i32.const 99)) (call $byte (i32.const 61))
    (call $num (local.get $v))
    (call $byte (i32.const 59)))
  (func $peek (param $n i32)
    (call $byte (i32.const 91))
    (call $esc (global.get $BUF) (local.get $n))
    (call $byte (i32.const 93)))
  (func $fill
    (memory.fill (global.get $BUF) (i32.const 35) (i32.const 256)))
`;

const FLUSH: Record<Exclude<Report, "none">, string> = {
  body: `(func $flush_body (drop (call $ngx_wasm_resp_write (i32.const ${OUT}) (global.get $olen))))`,
  header: `(func $flush_header (drop (call $ngx_wasm_resp_set_header (i32.const ${X_REPORT}) (i32.const 8) (i32.const ${OUT}) (global.get $olen))))`,
  reqheader: `(func $flush_reqheader (drop (call $ngx_wasm_req_set_header (i32.const ${X_REPORT}) (i32.const 8) (i32.const ${OUT}) (global.get $olen))))`,
  log: `(func $flush_log (drop (call $ngx_wasm_log (i32.const 6) (i32.const ${OUT - 7}) (i32.add (global.get $olen) (i32.const 7)))))`,
  chunk: `(func $flush_chunk (drop (call $ngx_wasm_resp_set_body_chunk (i32.const ${OUT}) (global.get $olen))))`,
};

/** The guest module of a table: export c<i> per case (indexes into `all`), only the cases given. */
export async function tableGuest(all: AreaCase[], cases: AreaCase[], memoryPages = 1): Promise<Uint8Array> {
  const reports = new Set(cases.map(reportOf));
  const exports = cases.map((c) => {
    const i = all.indexOf(c);
    const report = reportOf(c);
    return `(func (export "c${i}") (result i32) (local $n i32) (local $i i32) (local $m i32) (local $k i32)
    (global.set $olen (i32.const 0))
    ${c.wat}
    ${report === "none" ? "" : `(call $flush_${report})`}
    (i32.const 0))`;
  });
  const flush = [...reports].filter((r): r is Exclude<Report, "none"> => r !== "none").map((r) => FLUSH[r]);
  const fields = cases.map((c) => c.fields ?? "");
  const { text, segments } = expandStrings([PRELUDE, ...flush, ...fields, ...exports].join("\n  "));
  const used = [...new Set(text.match(/\$ngx_wasm_\w+/g) ?? [])].map((n) => n.slice(1));
  return wat(`(module
  ${used.map(abiImport).join("\n  ")}
  (memory (export "memory") ${memoryPages})
  ${text}
  ${segments.join("\n  ")}
)`);
}

// ------------------------------------------------------------------ checking

function matches(got: string | undefined, want: string | RegExp): boolean {
  return want instanceof RegExp ? got !== undefined && want.test(got) : got === want;
}

/** Check one host's observation against a case's expectation. */
export function expectObserved(c: AreaCase, o: Observed): void {
  const e: Expect = o.host === "nginx" && c.expect.onNginx ? { ...c.expect, ...c.expect.onNginx } : c.expect;
  const where = `${c.name} [${o.host}]`;
  const failure = o.failure ? `${o.failure.kind}: ${o.failure.message}` : "none";
  if (e.trap) {
    expect(failure, `${where}: the export traps`).toMatch(/^trapped: /);
    expect(o.failure!.message, `${where}: the trap message`).toMatch(e.trap);
  } else if (e.failed) {
    expect(failure, `${where}: the host gives up on the export`).toMatch(/^failed: /);
    expect(o.failure!.message, `${where}: the failure message`).toMatch(e.failed);
  } else if (e.returned !== undefined) {
    expect(failure, `${where}: the export's failure`).toBe(`returned: ${e.returned}`);
  } else {
    expect(failure, `${where}: the export fails`).toBe("none");
  }
  if (e.report !== undefined) {
    const label = `${where}: report (${reportOf(c)})`;
    if (e.report instanceof RegExp) expect(o.report, label).toMatch(e.report);
    else expect(o.report, label).toBe(e.report);
  }
  if (e.fellThrough !== undefined) expect(o.fellThrough, `${where}: fell through`).toBe(e.fellThrough);
  if (e.status !== undefined) expect(o.status, `${where}: status`).toBe(e.status);
  for (const [name, want] of Object.entries(e.headers ?? {})) {
    if (want === null) expect(o.headers[name], `${where}: response header ${name} absent`).toBeUndefined();
    else expect(matches(o.headers[name], want), `${where}: response header ${name} = ${JSON.stringify(o.headers[name])}, want ${String(want)}`).toBe(true);
  }
  if (e.body !== undefined) {
    if (e.body instanceof RegExp) expect(o.body, `${where}: body`).toMatch(e.body);
    else expect(o.body, `${where}: body`).toBe(e.body);
  }
  for (const [name, want] of Object.entries(e.requestHeaders ?? {})) {
    if (want === null) expect(o.requestHeaders[name], `${where}: request header ${name} absent`).toBeUndefined();
    else expect(o.requestHeaders[name], `${where}: request header ${name}`).toBe(want);
  }
  if (e.args !== undefined) expect(o.args, `${where}: args`).toBe(e.args);
  if (e.logs !== undefined) {
    expect(o.logs.length, `${where}: guest log lines ${JSON.stringify(o.logs)}`).toBe(e.logs.length);
    e.logs.forEach((want, k) => {
      if (want instanceof RegExp) expect(o.logs[k], `${where}: log line ${k}`).toMatch(want);
      else expect(o.logs[k], `${where}: log line ${k}`).toBe(want);
    });
  }
  if (e.hostLog) expect(o.hostLogs.some((l) => e.hostLog!.test(l)), `${where}: a host log line like ${e.hostLog} in ${JSON.stringify(o.hostLogs)}`).toBe(true);
  if (e.peer !== undefined && o.host === "nginx") expect(o.peer, `${where}: peer (the server that answered)`).toBe(e.peer);
  if (o.host === "nginx" && isTls(c)) {
    if (e.sslRejectAlert !== undefined) expect(o.sslRejectAlert, `${where}: the alert the client received`).toBe(e.sslRejectAlert);
    if (e.certificate !== undefined) expect(o.certificate, `${where}: a certificate was chosen`).toBe(e.certificate);
  }
  if (o.ts) {
    if (e.peer !== undefined) expect(o.ts.peer, `${where}: peer`).toBe(e.peer);
    if (e.sslRejectAlert !== undefined) expect(o.ts.sslRejectAlert, `${where}: ssl reject alert`).toBe(e.sslRejectAlert);
    if (e.certificate !== undefined) expect(o.ts.certificate !== undefined, `${where}: a certificate was chosen`).toBe(e.certificate);
    if (e.subrequests !== undefined) {
      expect(o.ts.subrequests.length, `${where}: subrequests`).toBe(e.subrequests.length);
      e.subrequests.forEach((want, k) => expect(o.ts!.subrequests[k], `${where}: subrequest ${k}`).toMatchObject(want));
    }
  }
  e.check?.(o);
}

// ------------------------------------------------------------------ the in-process host

/** The client's request headers, the same on both hosts (nginx sees exactly these). */
function requestHeaders(c: AreaCase, host: string): [string, string][] {
  const given = c.request?.headers ?? [];
  const out: [string, string][] = given.some(([n]) => n.toLowerCase() === "host") ? [] : [["Host", host]];
  out.push(...given);
  if (c.request?.body !== undefined) out.push(["Content-Length", String(Buffer.byteLength(c.request.body))]);
  out.push(["Connection", "close"]);
  return out;
}

const FILTER_PHASES: readonly Phase[] = ["header_filter", "body_filter", "log"];

/** Filter and log cases: nginx proxies to the Node upstream (headers, chunks) or answers with `return`. */
function viaUpstream(r: UpstreamResponse): boolean {
  return r.headers !== undefined || r.chunks !== undefined;
}

function upstreamOf(c: AreaCase): Required<Pick<UpstreamResponse, "status" | "contentType" | "body">> & UpstreamResponse {
  const r = c.response ?? {};
  return { ...r, status: r.status ?? 200, contentType: r.contentType ?? "text/plain", body: r.chunks ? r.chunks.join("") : (r.body ?? "upstream body") };
}

function tsResponse(c: AreaCase): RunOptions["response"] {
  if (!FILTER_PHASES.includes(c.phase)) return undefined;
  const r = upstreamOf(c);
  const headers: Record<string, string> = { "content-type": r.contentType };
  for (const [n, v] of Object.entries(r.headers ?? {})) headers[n.toLowerCase()] = v;
  // nginx knows the length of a `return` body (and of a proxied one with
  // Content-Length); a body filter location drops it before the guest runs.
  if (!viaUpstream(r) && c.phase !== "body_filter") headers["content-length"] = String(Buffer.byteLength(r.body));
  return { status: r.status, headers, chunks: r.chunks ? [...r.chunks, ""] : [r.body] };
}

function failureOf(line: string | undefined): Observed["failure"] {
  if (!line) return undefined;
  const m = /export "c\d+" \(phase \w+\) (trapped|returned|failed)(?:: | )(.*)$/s.exec(line);
  if (!m) throw new Error(`unexpected failure line: ${line}`);
  return { kind: m[1] as "trapped" | "returned" | "failed", message: m[2]! };
}

/** Split guest log lines into the report (the "report …" lines of the log channel, joined) and the rest. */
function splitReport(c: AreaCase, logs: string[]): { logs: string[]; report?: string } {
  const prefix = "NOTICE report ";
  if (reportOf(c) !== "log" || !logs.some((l) => l.startsWith(prefix))) return { logs };
  return {
    logs: logs.filter((l) => !l.startsWith(prefix)),
    report: logs
      .filter((l) => l.startsWith(prefix))
      .map((l) => l.slice(prefix.length))
      .join(""),
  };
}

function reportFrom(c: AreaCase, o: Omit<Observed, "report">): string | undefined {
  switch (reportOf(c)) {
    case "body":
    case "chunk":
      return o.fellThrough ? undefined : o.body;
    case "header":
      return o.headers["x-report"];
    case "reqheader":
      return o.requestHeaders["x-report"];
    default:
      return undefined;
  }
}

async function runTs(host: Host, guest: Guest, all: AreaCase[], c: AreaCase, variables: Record<string, string>): Promise<Observed> {
  const i = all.indexOf(c);
  const query = c.request?.query;
  const r = await host.run(guest, {
    phase: c.phase,
    export: `c${i}`,
    request: {
      method: c.request?.method ?? "GET",
      uri: casePath(all, c) + (query !== undefined ? `?${query}` : ""),
      headers: requestHeaders(c, hostName(all, c)),
      body: c.request?.body,
      serverName: c.phase === "server_rewrite" ? hostName(all, c) : "localhost",
      variables,
    },
    response: tsResponse(c),
    requestBodyBufferSize: c.bodyBufferSize,
    maxInvocations: c.maxInvocations,
    ...c.ts,
  });
  const guestLogs = r.logs.filter((l) => l.source === "guest").map((l) => `${l.levelName} ${l.message}`);
  const { logs, report } = splitReport(c, guestLogs);
  const base = {
    host: "ts" as const,
    status: r.status,
    headers: r.headers,
    body: r.body,
    fellThrough: r.fellThrough,
    requestHeaders: r.requestHeaders,
    args: r.fellThrough ? r.request.args : undefined,
    logs,
    hostLogs: r.logs.filter((l) => l.source === "host").map((l) => l.message),
    failure: failureOf(r.error),
    ts: r,
  };
  return { ...base, report: report ?? reportFrom(c, base) };
}

// ------------------------------------------------------------------ nginx

function casePath(all: AreaCase[], c: AreaCase): string {
  return `/c${all.indexOf(c)}`;
}

function hostName(all: AreaCase[], c: AreaCase): string {
  return c.phase === "server_rewrite" ? `c${all.indexOf(c)}.areas.test` : "localhost";
}

/** nginx string literal (cases never contain `$`). */
function nginxString(s: string): string {
  if (s.includes("$")) throw new Error(`nginx strings in area tables cannot contain "$": ${s}`);
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function nginxLocation(all: AreaCase[], c: AreaCase, wasm: string, upstream: string): string {
  const i = all.indexOf(c);
  const run = `${c.phase}_by_wasm ${wasm} c${i};`;
  const extra = [
    c.bodyBufferSize !== undefined ? `wasm_request_body_buffer_size ${c.bodyBufferSize};` : "",
    c.maxInvocations !== undefined ? `wasm_max_invocations ${c.maxInvocations};` : "",
    c.nginxLocation ?? "",
  ].join(" ");
  const fall = `proxy_pass ${upstream}/fall;`;
  switch (c.phase) {
    case "content":
      return `location = /c${i} { ${extra} ${run} }`;
    case "rewrite":
    case "access":
      return `location = /c${i} { ${extra} ${run} ${fall} }`;
    case "server_rewrite":
      return `location = /c${i} { ${extra} ${fall} }`;
    case "balancer":
      // upstream c<i>_peers: balancerUpstream()
      return `location = /c${i} { ${extra} proxy_pass http://c${i}_peers/fall; }`;
    case "header_filter":
    case "body_filter":
    case "log": {
      const r = upstreamOf(c);
      const answer = viaUpstream(r)
        ? `proxy_pass ${upstream}/resp/${i}; proxy_buffering off;`
        : `default_type ${r.contentType}; return ${r.status} ${nginxString(r.body)};`;
      return `location = /c${i} { ${extra} ${answer} ${run} }`;
    }
    default:
      throw new Error(`nginx has no ${c.phase} phase`);
  }
}

/** Balancer cases: an upstream block of as many servers as the case has peers (the Node peers, k answers with X-Peer: k). */
function balancerUpstream(all: AreaCase[], c: AreaCase, wasm: string, peers: string[]): string {
  const i = all.indexOf(c);
  const servers = peers.slice(0, c.ts?.upstream?.peers ?? 1).map((p) => `server ${p.replace(/^http:\/\//, "")};`);
  return `upstream c${i}_peers { balancer_by_wasm ${wasm} c${i}; ${servers.join(" ")} }`;
}

function nginxConfig(ngx: Nginx, all: AreaCase[], cases: AreaCase[], wasm: string, upstream: string, variables: Record<string, string>, http: string, peers: string[] = [], server = ""): string {
  const sets = Object.entries(variables).map(([n, v]) => `set $${n} ${nginxString(v)};`);
  const servers = cases
    .filter((c) => c.phase === "server_rewrite")
    .map(
      (c) => `server {
        listen ${ngx.listen()};
        server_name ${hostName(all, c)};
        access_log ${ACCESS_LOG} areas;
        ${server}
        ${sets.join(" ")}
        server_rewrite_by_wasm ${wasm} c${all.indexOf(c)};
        ${nginxLocation(all, c, wasm, upstream)}
    }`,
    );
  return `
    ${http}
    ${cases
      .filter((c) => c.phase === "balancer")
      .map((c) => balancerUpstream(all, c, wasm, peers))
      .join("\n    ")}
    log_format areas '$connection $request';
    server {
        listen ${ngx.listen()} default_server;
        server_name localhost;
        access_log ${ACCESS_LOG} areas;
        ${server}
        ${sets.join("\n        ")}
        ${cases
          .filter((c) => c.phase !== "server_rewrite" && !isTls(c))
          .map((c) => nginxLocation(all, c, wasm, upstream))
          .join("\n        ")}
    }
    ${servers.join("\n    ")}
    ${tlsServers(ngx, all, cases, wasm)}`;
}

interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** An HTTP/1.1 response as raw bytes; a chunked body that was cut gives what arrived. */
function parseResponse(raw: Buffer): ParsedResponse {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return { status: 0, headers: {}, body: Buffer.alloc(0) };
  const lines = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = Buffer.from(line.slice(colon + 1).trim(), "latin1").toString("utf8");
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let rest = raw.subarray(end + 4);
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = rest.indexOf("\r\n");
      if (eol < 0) break;
      const size = parseInt(rest.subarray(0, eol).toString("latin1"), 16);
      if (!Number.isFinite(size) || size === 0) break;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    return { status, headers, body: Buffer.concat(parts) };
  }
  const length = headers["content-length"];
  return { status, headers, body: length !== undefined ? rest.subarray(0, Number(length)) : rest };
}

const NGINX_LEVELS: Record<string, string> = {
  "": "STDERR",
  emerg: "EMERG",
  alert: "ALERT",
  crit: "CRIT",
  error: "ERR",
  warn: "WARN",
  notice: "NOTICE",
  info: "INFO",
  debug: "DEBUG",
};

interface RequestLog {
  guest: string[];
  host: string[];
  failure?: string;
}

/**
 * The error-log lines nginx wrote for one request: those of its connection
 * (`*N`, from the access log's "$connection $request" line; DEBUG lines carry
 * no request context) or naming its request line.
 */
function requestLog(text: string, requestLine: string, connection: string | undefined): RequestLog {
  const out: RequestLog = { guest: [], host: [] };
  const tag = `, request: "${requestLine}"`;
  for (const line of text.split("\n")) {
    const m = /^\S+ \S+ \[(\w*)\] \d+#\d+: (?:\*(\d+) )?(.*)$/s.exec(line);
    if (!m || !(line.includes(tag) || (connection !== undefined && m[2] === connection))) continue;
    const cut = m[3]!.lastIndexOf(", client: ");
    // what nginx appends: " while <action>" (e.g. "logging request"), then ", client: …"
    const msg = cut >= 0 ? m[3]!.slice(0, cut).replace(/ while [a-z ]+$/, "") : m[3]!;
    if (msg.startsWith("[wasm] ")) out.guest.push(`${NGINX_LEVELS[m[1]!] ?? m[1]} ${msg.slice(7)}`);
    else if (/^wasm: guest "[^"]*" export "c\d+" \(phase \w+\) (trapped|returned|failed)/.test(msg)) out.failure = msg;
    else if (msg.startsWith("wasm: ")) out.host.push(msg);
  }
  return out;
}

const ACCESS_LOG = "areas.access.log";

/** The connection number nginx logged for a request line in the access log. */
function connectionOf(ngx: Nginx, requestLine: string): string | undefined {
  const line = ngx.readFile(ACCESS_LOG).split("\n").find((l) => l.endsWith(` ${requestLine}`));
  return line?.split(" ")[0];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runNginx(ngx: Nginx, all: AreaCase[], c: AreaCase): Promise<Observed> {
  if (isTls(c)) return runNginxTls(ngx, all, c);
  const method = c.request?.method ?? "GET";
  const uri = casePath(all, c) + (c.request?.query !== undefined ? `?${c.request.query}` : "");
  const requestLine = `${method} ${uri} HTTP/1.1`;
  const head = requestHeaders(c, hostName(all, c))
    .map(([n, v]) => `${n}: ${v}\r\n`)
    .join("");
  const mark = ngx.logSize();
  const raw = await rawHttp(ngx.port, Buffer.concat([Buffer.from(`${requestLine}\r\n${head}\r\n`, "latin1"), Buffer.from(c.request?.body ?? "", "utf8")]));
  const res = parseResponse(raw);
  // The log phase runs as the request ends: wait for the guest's report or its failure.
  const read = (): RequestLog => requestLog(ngx.errorLogSince(mark), requestLine, connectionOf(ngx, requestLine));
  let log = read();
  if (c.phase === "log") {
    const deadline = Date.now() + 5000;
    while (!log.failure && !log.guest.some((l) => l.startsWith("NOTICE report ")) && Date.now() < deadline) {
      await sleep(20);
      log = read();
    }
  }
  const fellThrough = res.headers["x-fell-through"] === "1";
  const echoed = fellThrough ? (JSON.parse(res.body.toString("utf8")) as { headers: Record<string, string>; url: string }) : undefined;
  const { logs, report } = splitReport(c, log.guest);
  const base = {
    host: "nginx" as const,
    status: fellThrough ? 0 : res.status,
    headers: res.headers,
    body: fellThrough ? "" : res.body.toString("utf8"),
    fellThrough,
    requestHeaders: echoed?.headers ?? {},
    args: echoed ? (echoed.url.split("?")[1] ?? "") : undefined,
    logs,
    hostLogs: log.host,
    failure: failureOf(log.failure),
    peer: res.headers["x-peer"] !== undefined ? Number(res.headers["x-peer"]) : undefined,
  };
  return { ...base, report: report ?? reportFrom(c, base) };
}

/** The balancer cases' upstream servers: k echoes like /fall, with X-Peer: k. */
async function startPeers(count: number): Promise<{ servers: Server[]; urls: string[] }> {
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let k = 0; k < count; k++) {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "x-fell-through": "1", "x-peer": String(k) });
        res.end(JSON.stringify({ method: req.method, url: req.url ?? "/", headers: req.headers, body: "" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const addr = server.address();
    servers.push(server);
    urls.push(`http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`);
  }
  return { servers, urls };
}

// ------------------------------------------------------------------ nginx: TLS phases

const DEFAULT_CN = "areas-default";
/** TLS cases in the order of their ports: ngx.listen(1 + k) */
const tlsOrder = new WeakMap<Nginx, AreaCase[]>();

/** One `listen … ssl` server per TLS case, the default certificate made with openssl. */
function tlsServers(ngx: Nginx, all: AreaCase[], cases: AreaCase[], wasm: string): string {
  const tls = cases.filter(isTls);
  tlsOrder.set(ngx, tls);
  if (tls.length === 0) return "";
  const dir = mkdtempSync(join(tmpdir(), "areas-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${DEFAULT_CN}`, "-keyout", join(dir, "k"), "-out", join(dir, "c")], { stdio: "pipe" });
  const crt = ngx.addFile("areas-default.crt", readFileSync(join(dir, "c")));
  const key = ngx.addFile("areas-default.key", readFileSync(join(dir, "k")));
  rmSync(dir, { recursive: true, force: true });
  return tls
    .map(
      (c, k) => `server {
        listen ${ngx.listen(1 + k)} ssl;
        ssl_certificate ${crt};
        ssl_certificate_key ${key};
        ${c.phase}_by_wasm ${wasm} c${all.indexOf(c)};
        ${c.nginxLocation ?? ""}
    }`,
    )
    .join("\n    ");
}

/** One handshake with SNI `servername` (none when undefined): the certificate's CN, or the alert. */
function tlsHandshake(port: number, servername: string | undefined): Promise<{ cn?: string; alert?: number }> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port, servername: servername ?? "", rejectUnauthorized: false });
    s.setTimeout(10_000, () => s.destroy(new Error("timeout")));
    s.once("secureConnect", () => {
      resolve({ cn: s.getPeerCertificate().subject?.CN as string | undefined });
      s.end();
    });
    s.once("error", (e: Error) => resolve({ alert: Number(/SSL alert number (\d+)/.exec(e.message)?.[1] ?? -1) }));
  });
}

/** A TLS case on nginx: a handshake to its server; its log lines are those naming that server's port. */
async function runNginxTls(ngx: Nginx, all: AreaCase[], c: AreaCase): Promise<Observed> {
  const port = ngx.ports[1 + tlsOrder.get(ngx)!.indexOf(c)]!;
  const mark = ngx.logSize();
  const hs = await tlsHandshake(port, c.ts?.ssl?.serverName);
  const out: RequestLog = { guest: [], host: [] };
  for (const line of ngx.errorLogSince(mark).split("\n")) {
    const m = /^\S+ \S+ \[(\w*)\] \d+#\d+: (?:\*\d+ )?(.*)$/s.exec(line);
    if (!m || !line.endsWith(`, server: 127.0.0.1:${port}`)) continue;
    const msg = m[2]!.slice(0, m[2]!.lastIndexOf(", client: ")).replace(/ while [A-Za-z ]+$/, "");
    if (msg.startsWith("[wasm] ")) out.guest.push(`${NGINX_LEVELS[m[1]!] ?? m[1]} ${msg.slice(7)}`);
    else if (/^wasm: guest "[^"]*" export "c\d+" \(phase \w+\) (trapped|returned|failed)/.test(msg)) out.failure = msg;
    else if (msg.startsWith("wasm: ")) out.host.push(msg);
  }
  const { logs, report } = splitReport(c, out.guest);
  const base = {
    host: "nginx" as const,
    status: 0,
    headers: {},
    body: "",
    fellThrough: false,
    requestHeaders: {},
    logs,
    hostLogs: out.host,
    failure: failureOf(out.failure),
    sslRejectAlert: hs.alert,
    certificate: hs.cn !== undefined && hs.cn !== DEFAULT_CN,
  };
  return { ...base, report: report ?? reportFrom(c, base) };
}

/** The Node upstream: /fall echoes the request; /resp/<i> answers case i's upstream response. */
function startUpstream(all: AreaCase[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const body: Buffer[] = [];
    req.on("data", (b: Buffer) => body.push(b));
    req.on("end", () => {
      const url = req.url ?? "/";
      const m = /^\/resp\/(\d+)/.exec(url);
      if (!m) {
        res.writeHead(200, { "content-type": "application/json", "x-fell-through": "1" });
        res.end(JSON.stringify({ method: req.method, url, headers: req.headers, body: Buffer.concat(body).toString("utf8") }));
        return;
      }
      const r = upstreamOf(all[Number(m[1])]!);
      res.writeHead(r.status, { "content-type": r.contentType, ...r.headers });
      const chunks = r.chunks ?? [r.body];
      void (async () => {
        for (const [k, chunk] of chunks.entries()) {
          if (k > 0) await sleep(50);
          res.write(chunk);
        }
        res.end();
      })();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` });
    }),
  );
}

// ------------------------------------------------------------------ suites

export interface SuiteOptions {
  /** options of the in-process host (one per table) */
  host?: HostOptions;
  /** more directives for nginx's http block (zones, declarations) */
  nginxHttp?: string;
  /** guest memory pages (default 1) */
  memoryPages?: number;
  /** user variables: `set $name value;` in nginx's servers, request.variables in the TS host */
  variables?: Record<string, string>;
  /** more directives for every server block (e.g. the locations subrequests go to), given the Node upstream's URL */
  nginxServer?: (upstream: string) => string;
}

function checkTable(cases: AreaCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`two cases are named "${c.name}"`);
    names.add(c.name);
    functionsOf(c);
    const e = c.expect;
    if (nginxRuns(c) && (e.subrequests !== undefined)) {
      throw new Error(`case "${c.name}" runs on nginx but expects what only the in-process host shows`);
    }
  }
}

/**
 * Register the table's tests: describe(title) with one block per host, the
 * same case names and expectations in both. The nginx block holds only the
 * cases nginx can run (nginxRuns).
 */
export function areaSuite(title: string, cases: AreaCase[], options: SuiteOptions = {}): void {
  checkTable(cases);
  const variables = options.variables ?? {};
  const onNginx = cases.filter(nginxRuns);

  describe(title, () => {
    describe("TS host", () => {
      let host: Host;
      let guest: Guest;
      beforeAll(async () => {
        host = new Host(options.host);
        guest = await host.load(await tableGuest(cases, cases, options.memoryPages), "areas");
      });
      for (const c of cases) {
        it(c.name, async () => expectObserved(c, await runTs(host, guest, cases, c, variables)));
      }
    });

    if (onNginx.length === 0) return;
    describe("nginx", () => {
      let ngx: Nginx;
      let upstream: { server: Server; url: string } | undefined;
      let peers: { servers: Server[]; urls: string[] } | undefined;
      beforeAll(async () => {
        upstream = await startUpstream(cases);
        const balancing = onNginx.filter((c) => c.phase === "balancer");
        peers = await startPeers(balancing.length ? Math.max(...balancing.map((c) => c.ts?.upstream?.peers ?? 1)) : 0);
        ngx = await Nginx.create("areas", { ports: 1 + onNginx.filter(isTls).length });
        const wasm = ngx.addFile("wasm/areas.wasm", await tableGuest(cases, onNginx, options.memoryPages));
        await ngx.start(nginxConfig(ngx, cases, onNginx, wasm, upstream.url, variables, options.nginxHttp ?? "", peers.urls, options.nginxServer?.(upstream.url) ?? ""));
      });
      afterAll(async () => {
        await ngx?.stop();
        await new Promise((resolve) => upstream?.server.close(resolve));
        for (const server of peers?.servers ?? []) await new Promise((resolve) => server.close(resolve));
      });
      for (const c of onNginx) {
        it(c.name, async () => expectObserved(c, await runNginx(ngx, cases, c)));
      }
    });
  });
}

// ------------------------------------------------------------------ generated rows

/** A valid value for a scalar parameter, by its name (pointers and lengths: a small range in BUF). */
export function validScalar(param: string): number {
  if (param.endsWith("ptr")) return BUF;
  if (param.endsWith("len")) return 8;
  const known: Record<string, number> = { level: 6, status: 200, peer_index: 0, alert: 40, method: 0, options: 0, delta: 1, value: 1, ttl_msec: 0 };
  if (!(param in known)) throw new Error(`no valid value known for parameter "${param}": add it to validScalar()`);
  return known[param]!;
}

/**
 * The status a client sees after a failure in a phase (undefined: not
 * checked here). A body filter's failure has its own rows in
 * body-filter.test.ts (what reaches the client depends on whether the header
 * went out before the failing chunk), so the gate rows do not repeat it.
 */
function failureStatus(phase: Phase, upstreamStatus: number): number | undefined {
  if (REQUEST_PHASES.includes(phase) || phase === "header_filter") return 500;
  if (phase === "log") return upstreamStatus;
  return undefined;
}

/**
 * The phase gate of an area, generated from abi.json: for every function of
 * the area and every phase its `phases` leave out, a call from that phase
 * traps with a message naming the function and the phase.
 */
export function phaseGateCases(area: string): AreaCase[] {
  const out: AreaCase[] = [];
  for (const f of HOST_FUNCTIONS.filter((fn) => fn.area === area)) {
    for (const phase of PHASE_NAMES.filter((p) => !f.phases.includes(p))) {
      const args = f.params.map((p) => `(i32.const ${validScalar(p)})`).join(" ");
      out.push({
        name: `phase gate: ${f.name} from ${phase} traps`,
        phase,
        wat: `(call $rc (call $${f.name} ${args}))`,
        expect: {
          trap: new RegExp(`${f.name} is not allowed in phase ${phase}\\b`),
          status: failureStatus(phase, 200),
        },
      });
    }
  }
  return out;
}
