// ABI area "request" (ngx_wasm_req_get_header, ngx_wasm_req_set_header,
// ngx_wasm_req_get_body) at the raw ABI, on both hosts from one table
// (runner.ts). A request header a guest sets in rewrite/access/server_rewrite
// is checked where it matters: in the request the next phase proxies (the
// Node upstream echoes what it received). The header rules have their own
// table in test/conformance/header-rules.test.ts.
import { areaSuite, phaseGateCases, type AreaCase } from "./runner.js";

const getHeader = (n: string, len = 64, peek = 20) =>
  `(call $fill) (call $rc (call $ngx_wasm_req_get_header (str "${n}") (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
const setHeader = (n: string, v: string) => `(call $rc (call $ngx_wasm_req_set_header (str "${n}") (str "${v}")))`;
const removeHeader = (n: string) => `(call $rc (call $ngx_wasm_req_set_header (str "${n}") (global.get $BUF) (i32.const 0)))`;
const getBody = (len = 64, peek = 13) =>
  `(call $fill) (call $rc (call $ngx_wasm_req_get_body (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
const demo: [string, string][] = [["X-Demo", "Mixed Case Value"]];
const post = (body: string) => ({ method: "POST", headers: [["Content-Type", "text/plain"]] as [string, string][], body });

const CASES: AreaCase[] = [
  // ---- ngx_wasm_req_get_header
  {
    name: "req_get_header: the full length and the value (name matched case-insensitively)",
    phase: "content",
    wat: getHeader("x-DEMO", 64, 18),
    request: { headers: demo },
    expect: { report: "rc=16;[Mixed Case Value##]", status: 200 },
  },
  {
    name: "req_get_header: a buffer too small gets what fits, the full length is returned",
    phase: "content",
    wat: getHeader("X-Demo", 3, 5),
    request: { headers: demo },
    expect: { report: "rc=16;[Mix##]" },
  },
  {
    name: "req_get_header: a zero-length buffer gets nothing, the full length is returned",
    phase: "content",
    wat: getHeader("X-Demo", 0, 2),
    request: { headers: demo },
    expect: { report: "rc=16;[##]" },
  },
  {
    name: "req_get_header: an absent header is -1 (NOT_FOUND), the buffer untouched",
    phase: "content",
    wat: getHeader("X-Absent", 64, 2),
    request: { headers: demo },
    expect: { report: "rc=-1;[##]" },
  },
  {
    name: "req_get_header: a repeated header gives its first value",
    phase: "content",
    wat: getHeader("X-Dup", 64, 7),
    request: { headers: [["X-Dup", "first"], ["X-Dup", "second"]] },
    expect: { report: "rc=5;[first##]" },
  },
  {
    name: "req_get_header: a header sent with an empty value is found, length 0",
    phase: "content",
    wat: getHeader("X-Empty", 64, 2),
    request: { headers: [["X-Empty", ""]] },
    expect: { report: "rc=0;[##]" },
  },
  {
    name: "req_get_header: Host",
    phase: "content",
    wat: getHeader("host", 64, 11),
    expect: { report: "rc=9;[localhost##]" },
  },
  {
    name: "req_get_header: an empty name matches nothing (-1)",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_req_get_header (global.get $BUF) (i32.const 0) (global.get $BUF) (i32.const 8)))`,
    request: { headers: demo },
    expect: { report: "rc=-1;" },
  },
  {
    name: "req_get_header: negative pointers and lengths are -2",
    phase: "content",
    wat: `
      (call $rc (call $ngx_wasm_req_get_header (i32.const -1) (i32.const 6) (global.get $BUF) (i32.const 8)))
      (call $rc (call $ngx_wasm_req_get_header (str "X-Demo") (i32.const -1) (i32.const 8)))
      (call $rc (call $ngx_wasm_req_get_header (global.get $BUF) (i32.const -1) (global.get $BUF) (i32.const 8)))
      (call $rc (call $ngx_wasm_req_get_header (str "X-Demo") (global.get $BUF) (i32.const -1)))`,
    request: { headers: demo },
    expect: { report: "rc=-2;rc=-2;rc=-2;rc=-2;" },
  },
  {
    name: "req_get_header: a name past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_req_get_header (i32.const 65530) (i32.const 10) (global.get $BUF) (i32.const 8)))`,
    expect: { trap: /ngx_wasm_req_get_header\b.*outside guest memory/, status: 500 },
  },
  {
    name: "req_get_header: a buffer past the end of memory traps, naming the function (the header exists)",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_req_get_header (str "X-Demo") (i32.const 65530) (i32.const 64)))`,
    request: { headers: demo },
    expect: { trap: /ngx_wasm_req_get_header\b.*outside guest memory/, status: 500 },
  },
  {
    name: "req_get_header: a buffer past the end of memory traps even when the header is absent (ranges first)",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_req_get_header (str "X-Absent") (i32.const 65530) (i32.const 64)))`,
    expect: { trap: /ngx_wasm_req_get_header\b.*outside guest memory/, status: 500 },
  },
  ...(["server_rewrite", "rewrite", "access"] as const).map(
    (phase): AreaCase => ({
      name: `req_get_header in ${phase}`,
      phase,
      wat: getHeader("X-Demo", 64, 16),
      request: { headers: demo },
      expect: { report: "rc=16;[Mixed Case Value]", status: 200 },
    }),
  ),
  ...(["header_filter", "body_filter", "log"] as const).map(
    (phase): AreaCase => ({
      name: `req_get_header in ${phase}: the client's request headers`,
      phase,
      wat: getHeader("X-Demo", 64, 16),
      request: { headers: demo },
      response: { status: 200, body: "upstream body" },
      expect: { report: "rc=16;[Mixed Case Value]", status: 200 },
    }),
  ),
  {
    name: "req_get_header in balancer",
    phase: "balancer",
    wat: getHeader("X-Demo", 64, 16),
    request: { headers: demo },
    expect: { report: "rc=16;[Mixed Case Value]" },
  },

  // ---- ngx_wasm_req_set_header
  {
    name: "req_set_header in rewrite: the next phase sees the new header",
    phase: "rewrite",
    wat: setHeader("X-New", "set by rewrite"),
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;", "x-new": "set by rewrite" } },
  },
  {
    name: "req_set_header: replaces the client's value (names case-insensitive)",
    phase: "rewrite",
    wat: setHeader("x-demo", "replaced"),
    request: { headers: demo },
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;", "x-demo": "replaced" } },
  },
  {
    name: "req_set_header: replaces every entry of a repeated header",
    phase: "rewrite",
    wat: setHeader("X-Dup", "one"),
    request: { headers: [["X-Dup", "first"], ["X-Dup", "second"]] },
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;", "x-dup": "one" } },
  },
  {
    name: "req_set_header: an empty value removes the header",
    phase: "rewrite",
    wat: removeHeader("X-Demo"),
    request: { headers: demo },
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;", "x-demo": null } },
  },
  {
    name: "req_set_header: removing an absent header is 0",
    phase: "rewrite",
    wat: removeHeader("X-Absent"),
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;", "x-absent": null } },
  },
  {
    name: "req_set_header: a name that is not a token, or CR LF in the value, is -2 and changes nothing",
    phase: "rewrite",
    wat: `${setHeader("X A", "v")} ${setHeader("X-Demo", "v\\0d\\0aX-B: injected")}`,
    request: { headers: demo },
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=-2;rc=-2;", "x-demo": "Mixed Case Value", "x-b": null } },
  },
  {
    name: "req_set_header: an empty name is -2",
    phase: "rewrite",
    wat: `(call $rc (call $ngx_wasm_req_set_header (global.get $BUF) (i32.const 0) (str "v")))`,
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=-2;" } },
  },
  {
    name: "req_set_header: negative pointers and lengths are -2",
    phase: "rewrite",
    wat: `
      (call $rc (call $ngx_wasm_req_set_header (i32.const -1) (i32.const 3) (str "v")))
      (call $rc (call $ngx_wasm_req_set_header (global.get $BUF) (i32.const -1) (str "v")))
      (call $rc (call $ngx_wasm_req_set_header (str "X-A") (i32.const -1) (i32.const 1)))
      (call $rc (call $ngx_wasm_req_set_header (str "X-A") (global.get $BUF) (i32.const -1)))`,
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=-2;rc=-2;rc=-2;rc=-2;", "x-a": null } },
  },
  {
    name: "req_set_header: a value past the end of memory traps, naming the function",
    phase: "rewrite",
    wat: `(call $rc (call $ngx_wasm_req_set_header (str "X-A") (i32.const 65535) (i32.const 2)))`,
    report: "reqheader",
    expect: { trap: /ngx_wasm_req_set_header\b.*outside guest memory/, status: 500 },
  },
  {
    name: "req_set_header in content: read back with req_get_header",
    phase: "content",
    wat: `${setHeader("X-Demo", "new value")} ${getHeader("X-Demo", 64, 11)}`,
    request: { headers: demo },
    expect: { report: "rc=0;rc=9;[new value##]" },
  },
  {
    name: "req_set_header in access: the next phase sees it",
    phase: "access",
    wat: setHeader("X-From-Access", "yes"),
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;", "x-from-access": "yes" } },
  },
  {
    name: "req_set_header in server_rewrite: the location's phases see it",
    phase: "server_rewrite",
    wat: setHeader("X-From-Server", "yes"),
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;", "x-from-server": "yes" } },
  },

  // ---- ngx_wasm_req_get_body
  {
    name: "req_get_body: the full length and the body",
    phase: "content",
    wat: getBody(64, 13),
    request: post("posted body"),
    expect: { report: "rc=11;[posted body##]", status: 200 },
  },
  {
    name: "req_get_body: a buffer too small gets what fits, the full length is returned",
    phase: "content",
    wat: getBody(3, 5),
    request: post("posted body"),
    expect: { report: "rc=11;[pos##]" },
  },
  {
    name: "req_get_body: a zero-length buffer gets nothing, the full length is returned",
    phase: "content",
    wat: getBody(0, 2),
    request: post("posted body"),
    expect: { report: "rc=11;[##]" },
  },
  {
    name: "req_get_body: a request without a body is -1 (no body read)",
    phase: "content",
    wat: getBody(64, 2),
    expect: { report: "rc=-1;[##]" },
  },
  {
    name: "req_get_body: an empty body (Content-Length: 0) has length 0",
    phase: "content",
    wat: getBody(64, 2),
    request: post(""),
    expect: { report: "rc=0;[##]" },
  },
  {
    name: "req_get_body: a body as large as wasm_request_body_buffer_size is read",
    phase: "content",
    wat: getBody(64, 10),
    request: post("12345678"),
    bodyBufferSize: 8,
    expect: { report: "rc=8;[12345678##]" },
  },
  {
    name: "a body over wasm_request_body_buffer_size: 413 before the guest runs, and the host logs why",
    phase: "content",
    wat: getBody(64, 2),
    request: post("123456789"),
    bodyBufferSize: 8,
    expect: { status: 413, hostLog: /the request body is larger than wasm_request_body_buffer_size \(8 bytes in this location\): 413 before guest/ },
  },
  {
    name: "req_get_body: a negative pointer or length is -2",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_req_get_body (i32.const -1) (i32.const 8)))
      (call $rc (call $ngx_wasm_req_get_body (global.get $BUF) (i32.const -1)))`,
    request: post("posted body"),
    expect: { report: "rc=-2;rc=-2;" },
  },
  {
    name: "req_get_body: a buffer past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_req_get_body (i32.const 65530) (i32.const 64)))`,
    request: post("posted body"),
    expect: { trap: /ngx_wasm_req_get_body\b.*outside guest memory/, status: 500 },
  },
  ...(["server_rewrite", "rewrite", "access"] as const).map(
    (phase): AreaCase => ({
      name: `req_get_body in ${phase}`,
      phase,
      wat: getBody(64, 11),
      request: post("posted body"),
      expect: { report: "rc=11;[posted body]", status: 200 },
    }),
  ),

  ...phaseGateCases("request"),
];

areaSuite("ABI area request (ngx_wasm_req_*: headers, body)", CASES);
