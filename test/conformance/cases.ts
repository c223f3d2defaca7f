// The conformance cases: one guest export, one phase, one request, and what
// the client must observe. ts-host.test.ts runs them on the in-process host,
// nginx.test.ts on nginx with our module; both check them with
// expectConforms(), so the two hosts agree with these expectations and with
// each other.
import { expect } from "vitest";
import { buildGuest } from "../support/guests.js";
import { watGuest } from "../e2e/wat.js";

export type CasePhase = "content" | "rewrite" | "access" | "header_filter" | "body_filter";

export interface ConformanceCase {
  name: string;
  /** a WAT fixture of test/e2e/guests/, or an example guest directory under guests/ */
  guest: { wat: string } | { example: string };
  phase: CasePhase;
  export: string;
  request: {
    method?: string;
    /** path (unique across cases: nginx serves each case at its own `location =`) plus optional ?args */
    uri: string;
    headers?: Record<string, string>;
    body?: string;
    /** user variables, like `set $name value;` (nginx: at server level, so they exist before any guest runs) */
    variables?: Record<string, string>;
  };
  /** header/body filter cases: the response the filter sees (nginx: a `return` with default_type) */
  response?: { status: number; contentType: string; body: string };
  expect: {
    status?: number;
    /** lower-case names; null = must be absent */
    headers?: Record<string, string | RegExp | null>;
    body?: string | RegExp;
    /** rewrite/access: the guest produced no response, so the next phase runs */
    fellThrough?: boolean;
    /** after a fall-through: request headers the next phase sees (lower-case names) */
    requestHeaders?: Record<string, string>;
  };
}

/** What a client (or the TS host) observed for one case. */
export interface Observed {
  status: number;
  headers: Record<string, string>;
  body: string;
  fellThrough: boolean;
  requestHeaders: Record<string, string>;
}

export const CASES: ConformanceCase[] = [
  // ---- example guests
  {
    name: "hello example",
    guest: { example: "hello" },
    phase: "content",
    export: "on_content",
    request: { uri: "/hello" },
    expect: { status: 200, headers: { "content-type": "text/plain" }, body: "hello, world\n" },
  },
  {
    name: "echo example: the request as JSON",
    guest: { example: "echo" },
    phase: "content",
    export: "on_content",
    request: { uri: "/echo/x?a=1&tag=x&tag=y", headers: { Host: "example.test", "X-Request-Id": "42" } },
    expect: {
      status: 200,
      headers: { "content-type": /^application\/json/ },
      body:
        '{"method":"GET","uri":"/echo/x","args":"a=1&tag=x&tag=y","query":{"a":"1","tag":["x","y"]},' +
        '"headers":{"host":"example.test","x-request-id":"42"},"body":null,"remoteAddress":"127.0.0.1"}',
    },
  },
  {
    name: "echo example: a POST body",
    guest: { example: "echo" },
    phase: "content",
    export: "on_content",
    request: { uri: "/echo/post", method: "POST", headers: { Host: "example.test", "Content-Type": "text/plain" }, body: "posted" },
    expect: { status: 200, body: /"method":"POST".*"content-type":"text\/plain".*"body":"posted"/ },
  },
  {
    name: "rewrite example: /old/… redirects permanently to /new/…, query kept",
    guest: { example: "rewrite" },
    phase: "rewrite",
    export: "on_rewrite",
    request: { uri: "/old/a?x=1" },
    expect: { fellThrough: false, status: 301, headers: { location: /\/new\/a\?x=1$/ } },
  },
  {
    name: "rewrite example: other paths fall through with X-Guest set",
    guest: { example: "rewrite" },
    phase: "rewrite",
    export: "on_rewrite",
    request: { uri: "/new/b" },
    expect: { fellThrough: true, requestHeaders: { "x-guest": "rewrite" } },
  },
  {
    name: "uppercase example: header filter drops Content-Length of a text response",
    guest: { example: "uppercase" },
    phase: "header_filter",
    export: "on_header",
    request: { uri: "/upper-header" },
    response: { status: 200, contentType: "text/plain", body: "abc" },
    expect: { status: 200, headers: { "content-length": null }, body: "abc" },
  },
  {
    name: "uppercase example: body filter upper-cases UTF-8 text",
    guest: { example: "uppercase" },
    phase: "body_filter",
    export: "on_body",
    request: { uri: "/upper-body" },
    response: { status: 200, contentType: "text/plain", body: "héllo wörld" },
    expect: { status: 200, body: "HÉLLO WÖRLD" },
  },

  // ---- content
  {
    name: "content: body, custom header, default status and text/plain",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_content",
    request: { uri: "/content" },
    expect: { status: 200, headers: { "content-type": "text/plain", "x-probe": "content" }, body: "content ok\n" },
  },
  {
    name: "content: status and Content-Type set by the guest",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_json",
    request: { uri: "/json" },
    expect: { status: 201, headers: { "content-type": "application/json" }, body: '{"ok":true}' },
  },
  {
    name: "content: a second resp_write replaces the first",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_write_twice",
    request: { uri: "/write-twice" },
    expect: { status: 200, body: "second body" },
  },
  {
    name: "content: request header names are case-insensitive",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_echo_header",
    request: { uri: "/echo-header", headers: { "X-DEMO": "Mixed Case Value" } },
    expect: { status: 200, headers: { "x-echo": "Mixed Case Value" }, body: "Mixed Case Value" },
  },
  {
    name: "content: an absent request header is NOT_FOUND",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_echo_header",
    request: { uri: "/echo-header-absent" },
    expect: { status: 200, headers: { "x-echo": null }, body: "x-demo: absent" },
  },
  {
    name: "content: variables $uri and $arg_name",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_var",
    request: { uri: "/var?name=wasm&other=1" },
    expect: { status: 200, headers: { "x-uri": "/var" }, body: "wasm" },
  },
  {
    name: "content: request body",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_echo_body",
    request: { uri: "/echo-body", method: "POST", body: "posted body" },
    expect: { status: 200, headers: { "x-body-length": "11" }, body: "posted body" },
  },
  {
    name: "content: a request without a body: req_get_body is NOT_FOUND (no body read)",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_echo_body",
    request: { uri: "/echo-body-none" },
    expect: { status: 400, body: "no request body" },
  },
  {
    name: "content: yield re-invokes the export with its globals kept",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_yield",
    request: { uri: "/yield" },
    expect: { status: 200, body: "resumed after yields=3" },
  },
  {
    name: "content: a trap answers 500",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_trap",
    request: { uri: "/trap" },
    expect: { status: 500, headers: { "x-probe": null } },
  },
  {
    name: "content: a non-zero return answers 500",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_fail",
    request: { uri: "/fail" },
    expect: { status: 500 },
  },
  {
    name: "content: unbounded recursion (stack exhaustion) answers 500",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_recurse",
    request: { uri: "/recurse" },
    expect: { status: 500 },
  },
  {
    name: "content: a getter returns the full length and copies what fits",
    guest: { wat: "probe" },
    phase: "content",
    export: "on_short_buffer",
    request: { uri: "/short-buffer", headers: { "X-Long": "abcdefghij" } },
    expect: { status: 200, body: "10:abcd" },
  },

  // ---- rewrite / access
  {
    name: "rewrite: a guest that sets neither status nor body falls through, with its request header",
    guest: { wat: "probe" },
    phase: "rewrite",
    export: "on_rewrite_pass",
    request: { uri: "/rewrite-pass", headers: { "X-Demo": "from client" } },
    expect: { fellThrough: true, requestHeaders: { "x-demo": "set by rewrite" } },
  },
  {
    name: "rewrite: var_set → 0 for a user variable, -1 unknown, -2 read-only",
    guest: { wat: "probe" },
    phase: "rewrite",
    export: "on_var_set",
    request: { uri: "/var-set", variables: { myvar: "initial" } },
    expect: { fellThrough: true, requestHeaders: { "x-var-set": "0,-1,-2" } },
  },
  {
    name: "rewrite: status and body short-circuit",
    guest: { wat: "probe" },
    phase: "rewrite",
    export: "on_rewrite_stop",
    request: { uri: "/rewrite-stop" },
    expect: { fellThrough: false, status: 403, headers: { "content-type": "text/plain" }, body: "stopped by rewrite\n" },
  },
  {
    name: "rewrite: a status alone short-circuits (redirect)",
    guest: { wat: "probe" },
    phase: "rewrite",
    export: "on_redirect",
    request: { uri: "/redirect" },
    expect: { fellThrough: false, status: 302, headers: { location: /\/elsewhere$/ } },
  },
  {
    name: "access: denied without the header",
    guest: { wat: "probe" },
    phase: "access",
    export: "on_access",
    request: { uri: "/access-denied" },
    expect: { fellThrough: false, status: 401, body: "missing X-Key\n" },
  },
  {
    name: "access: allowed with the header",
    guest: { wat: "probe" },
    phase: "access",
    export: "on_access",
    request: { uri: "/access-allowed", headers: { "X-Key": "k" } },
    expect: { fellThrough: true, requestHeaders: { "x-key": "k" } },
  },

  // ---- filters
  {
    name: "header filter: adds a header, reads the response Content-Type",
    guest: { wat: "probe" },
    phase: "header_filter",
    export: "on_header",
    request: { uri: "/header-filter" },
    response: { status: 200, contentType: "application/json", body: '{"a":1}' },
    expect: {
      status: 200,
      headers: { "x-header-filter": "seen", "x-seen-content-type": "application/json", "content-type": "application/json" },
      body: '{"a":1}',
    },
  },
  {
    name: "header filter: a host call outside the phase (resp_write) answers 500",
    guest: { wat: "probe" },
    phase: "header_filter",
    export: "on_write_twice",
    request: { uri: "/header-filter-wrong-phase" },
    response: { status: 200, contentType: "text/plain", body: "upstream" },
    expect: { status: 500, headers: { "x-header-filter": null } },
  },
  {
    name: "body filter: replaces the (single, last) chunk",
    guest: { wat: "probe" },
    phase: "body_filter",
    export: "on_body",
    request: { uri: "/body-filter" },
    response: { status: 200, contentType: "text/plain", body: "hello filter" },
    expect: { status: 200, body: "HELLO FILTER|chunks=1|EOF" },
  },
];

/** The .wasm file of a case's guest, built on demand (cached per process). */
export function caseGuestPath(c: ConformanceCase): Promise<string> {
  return "wat" in c.guest ? watGuest(c.guest.wat) : buildGuest(`guests/${c.guest.example}`);
}

/** Assert that an observation matches a case's expectations. */
export function expectConforms(c: ConformanceCase, got: Observed): void {
  const e = c.expect;
  const where = `${c.name} (${c.request.uri})`;
  if (e.fellThrough !== undefined) expect(got.fellThrough, `${where}: fell through`).toBe(e.fellThrough);
  if (e.status !== undefined) expect(got.status, `${where}: status`).toBe(e.status);
  for (const [name, want] of Object.entries(e.headers ?? {})) {
    const value = got.headers[name];
    if (want === null) expect(value, `${where}: header ${name} absent`).toBeUndefined();
    else if (want instanceof RegExp) expect(value, `${where}: header ${name}`).toMatch(want);
    else expect(value, `${where}: header ${name}`).toBe(want);
  }
  if (e.body instanceof RegExp) expect(got.body, `${where}: body`).toMatch(e.body);
  else if (e.body !== undefined) expect(got.body, `${where}: body`).toBe(e.body);
  for (const [name, want] of Object.entries(e.requestHeaders ?? {})) {
    expect(got.requestHeaders[name], `${where}: request header ${name} after the phase`).toBe(want);
  }
}
