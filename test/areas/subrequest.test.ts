// ABI area "subrequest" (ngx_wasm_subreq_set_header, ngx_wasm_subreq,
// ngx_wasm_subreq_get_status, ngx_wasm_subreq_get_header,
// ngx_wasm_subreq_get_body, ngx_wasm_subreq_get_body_len) at the raw ABI,
// on both hosts.
//
// The internal location answers status 201, X-Sub, body "sub body": on the
// in-process host the resolver, on nginx `location /sub` (and /post),
// proxied to the runner's Node upstream, which answers case 0's `response`.
// `location /down` proxies to a closed port: 502, as the in-process host
// answers without a resolver. The calls a subrequest was launched with are
// checked on the in-process host (nginx's side: test/e2e/subrequests.test.ts).
import { expect } from "vitest";
import { Method, SubrequestOption } from "../../host-abi/tables.js";
import type { SubrequestCall, SubrequestReply } from "../../host/index.js";
import { areaSuite, phaseGateCases, type AreaCase, type Observed } from "./runner.js";

const SUB: SubrequestReply = { status: 201, headers: { "X-Sub": "sub value" }, body: "sub body" };
const resolver = (call: SubrequestCall): SubrequestReply => (call.uri === "/missing" ? { status: 404, body: "not found" } : SUB);
const ts = { subrequest: resolver };

/** The calls the in-process host recorded (nginx's are checked by the e2e suite). */
const calls =
  (want: Partial<SubrequestCall>[]) =>
  (o: Observed): void => {
    if (!o.ts) return;
    expect(o.ts.subrequests.length, `${o.host}: subrequests`).toBe(want.length);
    want.forEach((w, k) => expect(o.ts!.subrequests[k], `subrequest ${k}`).toMatchObject(w));
  };

let step = 0;
/**
 * First invocation: `launch` (its rc kept); the export returns and the host
 * runs the subrequest. Second invocation: report "launch=<rc>;" then `after`.
 */
function launchThen(launch: string, after: string): Pick<AreaCase, "fields" | "wat"> {
  const g = `$sr_${step++}`;
  return {
    fields: `(global ${g} (mut i32) (i32.const 0)) (global ${g}_rc (mut i32) (i32.const 0))`,
    wat: `(if (i32.eqz (global.get ${g}))
        (then
          (global.set ${g} (i32.const 1))
          (global.set ${g}_rc ${launch})
          (if (i32.eqz (global.get ${g}_rc)) (then (return (i32.const 0))))))
      (call $say (str "launch=")) (call $num (global.get ${g}_rc)) (call $say (str ";"))
      ${after}`,
  };
}

const subreq = (uri = "/sub", args = "a=1", method: number = Method.DEFAULT, options: number = SubrequestOption.CAPTURE_BODY) =>
  `(call $ngx_wasm_subreq (str "${uri}") (str "${args}") (i32.const ${method}) (i32.const ${options}))`;
const status = `(call $say (str "status=")) (call $num (call $ngx_wasm_subreq_get_status)) (call $say (str ";"))`;
const getHeader = (n: string, len = 64, peek = 11) =>
  `(call $fill) (call $rc (call $ngx_wasm_subreq_get_header (str "${n}") (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
const getBody = (len = 64, peek = 10) =>
  `(call $fill) (call $rc (call $ngx_wasm_subreq_get_body (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
const bodyLen = `(call $say (str "len=")) (call $num (call $ngx_wasm_subreq_get_body_len)) (call $say (str ";"))`;

const CASES: AreaCase[] = [
  // ---- ngx_wasm_subreq, ngx_wasm_subreq_get_status
  {
    name: "subreq: 0, the handler runs again once the subrequest finished; get_status is its status",
    phase: "content",
    ...launchThen(subreq(), status),
    ts,
    // nginx's Node upstream answers /resp/0 with this (location /sub)
    response: { status: 201, headers: SUB.headers, body: SUB.body as string },
    expect: { report: "launch=0;status=201;", status: 200, check: calls([{ uri: "/sub", args: "a=1", method: 0, options: 1, headers: {} }]) },
  },
  {
    name: "subreq: the method number and the args are passed as given",
    phase: "content",
    ...launchThen(subreq("/post", "x=1&y=2", Method.POST, 0), status),
    ts,
    expect: { report: "launch=0;status=201;", check: calls([{ uri: "/post", args: "x=1&y=2", method: Method.POST, options: 0 }]) },
  },
  {
    name: "subreq: empty args",
    phase: "content",
    ...launchThen(`(call $ngx_wasm_subreq (str "/sub") (global.get $BUF) (i32.const 0) (i32.const 0) (i32.const 0))`, status),
    ts,
    expect: { report: "launch=0;status=201;", check: calls([{ uri: "/sub", args: "" }]) },
  },
  ...[
    ["a uri that does not start with /", subreq("sub")],
    ["an empty uri", `(call $ngx_wasm_subreq (global.get $BUF) (i32.const 0) (str "a=1") (i32.const 0) (i32.const 0))`],
    ["a method number nginx does not have (3)", subreq("/sub", "", 3)],
    ["an unknown option bit (2)", subreq("/sub", "", 0, 2)],
    ["a negative uri pointer", `(call $ngx_wasm_subreq (i32.const -1) (i32.const 4) (str "a") (i32.const 0) (i32.const 0))`],
    ["a negative uri length", `(call $ngx_wasm_subreq (global.get $BUF) (i32.const -1) (str "a") (i32.const 0) (i32.const 0))`],
    ["a negative args pointer", `(call $ngx_wasm_subreq (str "/sub") (i32.const -1) (i32.const 1) (i32.const 0) (i32.const 0))`],
    ["a negative args length", `(call $ngx_wasm_subreq (str "/sub") (global.get $BUF) (i32.const -1) (i32.const 0) (i32.const 0))`],
  ].map(
    ([what, call]): AreaCase => ({
      name: `subreq with ${what}: -2, nothing launched`,
      phase: "content",
      wat: `(call $rc ${call})`,
      ts,
      expect: { report: "rc=-2;", status: 200, check: calls([]) },
    }),
  ),
  {
    name: "subreq: a second launch while one is active is -2; the first one runs",
    phase: "content",
    // launch = 10 * first + second = -2; the report comes from the invocation after the first finished
    ...launchThen(`(i32.add (i32.mul ${subreq()} (i32.const 10)) ${subreq("/second")})`, status),
    ts,
    expect: { report: "launch=-2;status=201;", check: calls([{ uri: "/sub" }]) },
  },
  {
    name: "subreq: a uri past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_subreq (i32.const 65534) (i32.const 4) (str "a") (i32.const 0) (i32.const 0)))`,
    ts,
    expect: { trap: /ngx_wasm_subreq\b.*outside guest memory/, status: 500 },
  },
  {
    name: "subreq: a subrequest whose upstream is down answers 502 (in-process: no resolver, and the host says so)",
    phase: "content",
    ...launchThen(subreq("/down"), status),
    expect: {
      report: "launch=0;status=502;",
      status: 200,
      check: (o) => {
        if (o.ts) expect(o.hostLogs.some((l) => /subrequest to "\/down" answered 502/.test(l)), JSON.stringify(o.hostLogs)).toBe(true);
      },
    },
  },
  {
    name: "subreq: a location that answers 404 reports 404, the parent goes on",
    phase: "content",
    ...launchThen(subreq("/missing"), status),
    ts,
    expect: { report: "launch=0;status=404;", status: 200 },
  },
  ...[
    ["a .. segment", subreq("/a/../sub")],
    ["a trailing .. segment", subreq("/a/..")],
    ["a %-encoded .. segment", subreq("/%2e%2e/sub")],
    ["args both after ? and given", subreq("/sub?b=2", "a=1")],
  ].map(
    ([what, call]): AreaCase => ({
      name: `subreq with ${what} (as nginx's SSI refuses it): -2, nothing launched`,
      phase: "content",
      wat: `(call $rc ${call})`,
      ts,
      expect: { report: "rc=-2;", status: 200, check: calls([]) },
    }),
  ),
  {
    name: "subreq: args after ? in the uri are the args",
    phase: "content",
    ...launchThen(subreq("/sub?b=2", ""), status),
    ts,
    expect: { report: "launch=0;status=201;", check: calls([{ uri: "/sub", args: "b=2" }]) },
  },
  {
    name: "subreq: a body larger than wasm_subrequest_buffer_size is not captured: get_body and get_body_len -2, the status and headers stay",
    phase: "content",
    ...launchThen(subreq(), `${getBody(64, 2)} ${bodyLen} ${status} ${getHeader("X-Sub", 64, 9)}`),
    ts: { ...ts, subrequestBufferSize: 4 },
    nginxLocation: "wasm_subrequest_buffer_size 4;",
    expect: {
      report: "launch=0;rc=-2;[##]len=-2;status=201;rc=9;[sub value]",
      hostLog: /subrequest "\/sub" answered more than wasm_subrequest_buffer_size \(4 bytes\): its body is not captured/,
    },
  },
  {
    name: "subreq: a body of exactly wasm_subrequest_buffer_size is captured",
    phase: "content",
    ...launchThen(subreq(), `${getBody(64, 10)} ${bodyLen}`),
    ts: { ...ts, subrequestBufferSize: 8 },
    nginxLocation: "wasm_subrequest_buffer_size 8;",
    expect: { report: "launch=0;rc=8;[sub body##]len=8;" },
  },
  {
    name: "subreq from rewrite",
    phase: "rewrite",
    ...launchThen(subreq(), status),
    ts,
    expect: { report: "launch=0;status=201;", fellThrough: false, status: 200 },
  },
  {
    name: "subreq from access",
    phase: "access",
    ...launchThen(subreq(), status),
    ts,
    expect: { report: "launch=0;status=201;" },
  },
  {
    name: "subreq from server_rewrite",
    phase: "server_rewrite",
    ...launchThen(subreq(), status),
    ts,
    expect: { report: "launch=0;status=201;" },
  },

  // ---- before any subrequest finished
  {
    name: "before a subrequest: get_status, get_header, get_body and get_body_len are -2",
    phase: "content",
    wat: `${status} (call $rc (call $ngx_wasm_subreq_get_header (str "X-Sub") (global.get $BUF) (i32.const 8)))
      (call $rc (call $ngx_wasm_subreq_get_body (global.get $BUF) (i32.const 8))) ${bodyLen}`,
    ts,
    expect: { report: "status=-2;rc=-2;rc=-2;len=-2;" },
  },

  // ---- ngx_wasm_subreq_get_header
  {
    name: "subreq_get_header: the full length and the value (name matched case-insensitively)",
    phase: "content",
    ...launchThen(subreq(), getHeader("x-SUB", 64, 11)),
    ts,
    expect: { report: "launch=0;rc=9;[sub value##]" },
  },
  {
    name: "subreq_get_header: a buffer too small gets what fits, the full length is returned",
    phase: "content",
    ...launchThen(subreq(), getHeader("X-Sub", 3, 5)),
    ts,
    expect: { report: "launch=0;rc=9;[sub##]" },
  },
  {
    name: "subreq_get_header: a zero-length buffer gets nothing, the full length is returned",
    phase: "content",
    ...launchThen(subreq(), getHeader("X-Sub", 0, 2)),
    ts,
    expect: { report: "launch=0;rc=9;[##]" },
  },
  {
    name: "subreq_get_header: an absent header is -1",
    phase: "content",
    ...launchThen(subreq(), getHeader("X-Absent", 64, 2)),
    ts,
    expect: { report: "launch=0;rc=-1;[##]" },
  },
  {
    name: "subreq_get_header: negative pointers and lengths are -2",
    phase: "content",
    ...launchThen(
      subreq(),
      `(call $rc (call $ngx_wasm_subreq_get_header (i32.const -1) (i32.const 5) (global.get $BUF) (i32.const 8)))
       (call $rc (call $ngx_wasm_subreq_get_header (str "X-Sub") (i32.const -1) (i32.const 8)))
       (call $rc (call $ngx_wasm_subreq_get_header (global.get $BUF) (i32.const -1) (global.get $BUF) (i32.const 8)))
       (call $rc (call $ngx_wasm_subreq_get_header (str "X-Sub") (global.get $BUF) (i32.const -1)))`,
    ),
    ts,
    expect: { report: "launch=0;rc=-2;rc=-2;rc=-2;rc=-2;" },
  },
  {
    name: "subreq_get_header: a buffer past the end of memory traps, naming the function",
    phase: "content",
    ...launchThen(subreq(), `(call $rc (call $ngx_wasm_subreq_get_header (str "X-Sub") (i32.const 65534) (i32.const 8)))`),
    ts,
    expect: { trap: /ngx_wasm_subreq_get_header\b.*outside guest memory/, status: 500 },
  },

  // ---- ngx_wasm_subreq_get_body, ngx_wasm_subreq_get_body_len
  {
    name: "subreq_get_body: the captured body; this getter returns the bytes copied; get_body_len its length",
    phase: "content",
    ...launchThen(subreq(), `${getBody(64, 10)} ${bodyLen}`),
    ts,
    expect: { report: "launch=0;rc=8;[sub body##]len=8;" },
  },
  {
    name: "subreq_get_body: a buffer too small gets what fits, and that count is returned",
    phase: "content",
    ...launchThen(subreq(), `${getBody(3, 5)} ${bodyLen}`),
    ts,
    expect: { report: "launch=0;rc=3;[sub##]len=8;" },
  },
  {
    name: "subreq_get_body: a zero-length buffer: 0",
    phase: "content",
    ...launchThen(subreq(), getBody(0, 2)),
    ts,
    expect: { report: "launch=0;rc=0;[##]" },
  },
  {
    name: "subreq without CAPTURE_BODY: get_body and get_body_len are -2 (no captured body)",
    phase: "content",
    ...launchThen(subreq("/sub", "", 0, 0), `${getBody(64, 2)} ${bodyLen} ${status}`),
    ts,
    expect: { report: "launch=0;rc=-2;[##]len=-2;status=201;" },
  },
  {
    name: "subreq_get_body: a negative pointer or length is -2",
    phase: "content",
    ...launchThen(
      subreq(),
      `(call $rc (call $ngx_wasm_subreq_get_body (i32.const -1) (i32.const 8))) (call $rc (call $ngx_wasm_subreq_get_body (global.get $BUF) (i32.const -1)))`,
    ),
    ts,
    expect: { report: "launch=0;rc=-2;rc=-2;" },
  },
  {
    name: "subreq_get_body: a buffer past the end of memory traps, naming the function",
    phase: "content",
    ...launchThen(subreq(), `(call $rc (call $ngx_wasm_subreq_get_body (i32.const 65534) (i32.const 8)))`),
    ts,
    expect: { trap: /ngx_wasm_subreq_get_body\b.*outside guest memory/, status: 500 },
  },

  // ---- ngx_wasm_subreq_set_header
  {
    name: "subreq_set_header: staged headers go with the next launch, then are cleared",
    phase: "content",
    ...launchThen(
      `(i32.add (i32.add (call $ngx_wasm_subreq_set_header (str "X-Staged") (str "staged value"))
                         (call $ngx_wasm_subreq_set_header (str "X-Other") (str "other")))
                (i32.add (call $ngx_wasm_subreq_set_header (str "x-other") (global.get $BUF) (i32.const 0)) ${subreq()}))`,
      status,
    ),
    ts,
    expect: { report: "launch=0;status=201;", check: calls([{ headers: { "x-staged": "staged value" } }]) },
  },
  {
    name: "subreq_set_header: a name that is not a token, or CR LF in the value, is -2 and stages nothing",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_subreq_set_header (str "X A") (str "v")))
      (call $rc (call $ngx_wasm_subreq_set_header (str "X-A") (str "v\\0d\\0aX-B: 1")))
      (call $rc (call $ngx_wasm_subreq_set_header (global.get $BUF) (i32.const 0) (str "v")))`,
    ts,
    expect: { report: "rc=-2;rc=-2;rc=-2;" },
  },
  {
    name: "subreq_set_header: negative pointers and lengths are -2",
    phase: "content",
    wat: `
      (call $rc (call $ngx_wasm_subreq_set_header (i32.const -1) (i32.const 3) (str "v")))
      (call $rc (call $ngx_wasm_subreq_set_header (global.get $BUF) (i32.const -1) (str "v")))
      (call $rc (call $ngx_wasm_subreq_set_header (str "X-A") (i32.const -1) (i32.const 1)))
      (call $rc (call $ngx_wasm_subreq_set_header (str "X-A") (global.get $BUF) (i32.const -1)))`,
    ts,
    expect: { report: "rc=-2;rc=-2;rc=-2;rc=-2;" },
  },
  {
    name: "subreq_set_header: a value past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_subreq_set_header (str "X-A") (i32.const 65535) (i32.const 2)))`,
    ts,
    expect: { trap: /ngx_wasm_subreq_set_header\b.*outside guest memory/, status: 500 },
  },

  ...phaseGateCases("subrequest"),
];

areaSuite("ABI area subrequest (ngx_wasm_subreq*)", CASES, {
  nginxServer: (upstream) => `
        location /sub { proxy_pass ${upstream}/resp/0; }
        location /post { proxy_pass ${upstream}/resp/0; }
        location /down { proxy_pass http://127.0.0.1:9; }`,
});
