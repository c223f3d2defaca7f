// ABI area "response" (ngx_wasm_resp_set_status, ngx_wasm_resp_get_status,
// ngx_wasm_resp_set_header, ngx_wasm_resp_get_header, ngx_wasm_resp_write) at
// the raw ABI, on both hosts from one table (runner.ts). The header rules
// (token names; no CR, LF, NUL in values) have their own table in
// test/conformance/header-rules.test.ts; two rows here keep the area whole.
import { areaSuite, phaseGateCases, type AreaCase } from "./runner.js";

const setStatus = (s: number) => `(call $rc (call $ngx_wasm_resp_set_status (i32.const ${s})))`;
const getStatus = `(call $num (call $ngx_wasm_resp_get_status)) (call $say (str ";"))`;
const setHeader = (n: string, v: string) => `(call $rc (call $ngx_wasm_resp_set_header (str "${n}") (str "${v}")))`;
/** resp_get_header into BUF (after $fill), showing rc and `peek` bytes of BUF */
const getHeader = (n: string, len = 64, peek = 12) =>
  `(call $fill) (call $rc (call $ngx_wasm_resp_get_header (str "${n}") (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
const write = (s: string) => `(call $rc (call $ngx_wasm_resp_write (str "${s}")))`;

const CASES: AreaCase[] = [
  // ---- ngx_wasm_resp_set_status
  {
    name: "resp_set_status in content: rc 0, the response has that status",
    phase: "content",
    wat: setStatus(201),
    expect: { report: "rc=0;", status: 201 },
  },
  {
    name: "resp_set_status: the last call wins",
    phase: "content",
    wat: `${setStatus(404)} ${setStatus(202)}`,
    expect: { report: "rc=0;rc=0;", status: 202 },
  },
  {
    name: "resp_set_status: 100 and 999 are in range (read back with resp_get_status)",
    phase: "content",
    wat: `${setStatus(100)} ${getStatus} ${setStatus(999)} ${getStatus}`,
    expect: { report: "rc=0;100;rc=0;999;", status: 999 },
  },
  ...[99, 1000, 0, -1, -200].map(
    (s): AreaCase => ({
      name: `resp_set_status(${s}): -2, the status is unchanged`,
      phase: "content",
      wat: `${setStatus(203)} ${setStatus(s)} ${getStatus}`,
      expect: { report: "rc=0;rc=-2;203;", status: 203 },
    }),
  ),
  {
    name: "resp_set_status in rewrite: the status alone short-circuits",
    phase: "rewrite",
    wat: setStatus(403),
    report: "header",
    expect: { fellThrough: false, status: 403, headers: { "x-report": "rc=0;" } },
  },
  {
    name: "resp_set_status in access: the status alone short-circuits",
    phase: "access",
    wat: setStatus(401),
    report: "header",
    expect: { fellThrough: false, status: 401, headers: { "x-report": "rc=0;" } },
  },
  {
    name: "resp_set_status in server_rewrite: the status alone short-circuits",
    phase: "server_rewrite",
    wat: setStatus(418),
    report: "header",
    expect: { fellThrough: false, status: 418, headers: { "x-report": "rc=0;" } },
  },
  {
    name: "resp_set_status in header_filter: replaces the upstream status",
    phase: "header_filter",
    wat: setStatus(202),
    response: { status: 200, body: "upstream body" },
    expect: { report: "rc=0;", status: 202, body: "upstream body" },
  },
  {
    name: "resp_set_status in header_filter, out of range: -2, the upstream status stays",
    phase: "header_filter",
    wat: setStatus(1000),
    response: { status: 201, body: "upstream body" },
    expect: { report: "rc=-2;", status: 201 },
  },

  // ---- ngx_wasm_resp_get_status
  {
    name: "resp_get_status in content before any set: 0",
    phase: "content",
    wat: getStatus,
    expect: { report: "0;", status: 200 },
  },
  ...(["server_rewrite", "rewrite", "access"] as const).map(
    (phase): AreaCase => ({
      name: `resp_get_status in ${phase}: 0 (no status yet)`,
      phase,
      wat: getStatus,
      expect: { report: "0;", status: 200 },
    }),
  ),
  {
    name: "resp_get_status in log: the status that was sent",
    phase: "log",
    wat: getStatus,
    response: { status: 201, body: "created" },
    expect: { report: "201;", status: 201, body: "created" },
  },
  {
    name: "resp_get_status in log: a proxied upstream's status",
    phase: "log",
    wat: getStatus,
    response: { status: 404, headers: { "X-Up": "up" }, body: "not here" },
    expect: { report: "404;", status: 404, body: "not here" },
  },

  // ---- ngx_wasm_resp_set_header
  {
    name: "resp_set_header in content: rc 0, the header is sent",
    phase: "content",
    wat: setHeader("X-A", "value a"),
    expect: { report: "rc=0;", status: 200, headers: { "x-a": "value a" } },
  },
  {
    name: "resp_set_header: a second call replaces the value (names case-insensitive)",
    phase: "content",
    wat: `${setHeader("X-A", "first")} ${setHeader("x-a", "second")}`,
    expect: { report: "rc=0;rc=0;", headers: { "x-a": "second" } },
  },
  {
    name: "resp_set_header: an empty value removes the header",
    phase: "content",
    wat: `${setHeader("X-A", "first")} (call $rc (call $ngx_wasm_resp_set_header (str "X-A") (global.get $BUF) (i32.const 0)))`,
    expect: { report: "rc=0;rc=0;", headers: { "x-a": null } },
  },
  {
    name: "resp_set_header: Content-Type replaces the default text/plain",
    phase: "content",
    wat: setHeader("Content-Type", "application/json"),
    expect: { report: "rc=0;", headers: { "content-type": "application/json" } },
  },
  {
    name: "resp_set_header: a name that is not a token is -2, nothing is set",
    phase: "content",
    wat: setHeader("X A", "v"),
    expect: { report: "rc=-2;", headers: { "x a": null, x: null } },
  },
  {
    name: "resp_set_header: CR LF in the value is -2, nothing is set",
    phase: "content",
    wat: setHeader("X-A", "v\\0d\\0aX-B: injected"),
    expect: { report: "rc=-2;", headers: { "x-a": null, "x-b": null } },
  },
  {
    name: "resp_set_header: an empty name is -2",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_resp_set_header (global.get $BUF) (i32.const 0) (str "v")))`,
    expect: { report: "rc=-2;" },
  },
  {
    name: "resp_set_header: a negative name pointer / name length / value pointer / value length is -2",
    phase: "content",
    wat: `
      (call $rc (call $ngx_wasm_resp_set_header (i32.const -1) (i32.const 3) (str "v")))
      (call $rc (call $ngx_wasm_resp_set_header (global.get $BUF) (i32.const -1) (str "v")))
      (call $rc (call $ngx_wasm_resp_set_header (str "X-A") (i32.const -1) (i32.const 1)))
      (call $rc (call $ngx_wasm_resp_set_header (str "X-A") (global.get $BUF) (i32.const -1)))`,
    expect: { report: "rc=-2;rc=-2;rc=-2;rc=-2;", headers: { "x-a": null } },
  },
  {
    name: "resp_set_header: a value past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_resp_set_header (str "X-A") (i32.const 65535) (i32.const 2)))`,
    expect: { trap: /ngx_wasm_resp_set_header\b.*outside guest memory/, status: 500, headers: { "x-a": null } },
  },
  {
    name: "resp_set_header in rewrite, then fall through: the header goes out with the next phase's response",
    phase: "rewrite",
    wat: setHeader("X-A", "from rewrite"),
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;" }, headers: { "x-a": "from rewrite" } },
  },
  {
    name: "resp_set_header in header_filter: adds to the upstream's headers",
    phase: "header_filter",
    wat: setHeader("X-A", "added"),
    response: { status: 200, headers: { "X-Up": "up" }, body: "upstream body" },
    expect: { report: "rc=0;", status: 200, headers: { "x-a": "added", "x-up": "up" }, body: "upstream body" },
  },
  {
    name: "resp_set_header in header_filter: replaces an upstream header",
    phase: "header_filter",
    wat: setHeader("x-up", "replaced"),
    response: { status: 200, headers: { "X-Up": "up" } },
    expect: { report: "rc=0;", headers: { "x-up": "replaced" } },
  },
  {
    name: "resp_set_header in header_filter: an empty value removes an upstream header",
    phase: "header_filter",
    wat: `(call $rc (call $ngx_wasm_resp_set_header (str "X-Up") (global.get $BUF) (i32.const 0)))`,
    response: { status: 200, headers: { "X-Up": "up" } },
    expect: { report: "rc=0;", headers: { "x-up": null } },
  },
  {
    name: "resp_set_header in header_filter: Content-Type replaces the upstream's",
    phase: "header_filter",
    wat: setHeader("Content-Type", "application/x-replaced"),
    response: { status: 200, contentType: "text/html", body: "<p>" },
    expect: { report: "rc=0;", headers: { "content-type": "application/x-replaced" }, body: "<p>" },
  },
  {
    name: "resp_set_header in body_filter: -2 (headers already sent)",
    phase: "body_filter",
    wat: setHeader("X-A", "too late"),
    response: { status: 200, body: "upstream body" },
    expect: { report: "rc=-2;", status: 200, headers: { "x-a": null } },
  },

  // ---- ngx_wasm_resp_get_header
  {
    name: "resp_get_header: the full length and the value (name matched case-insensitively)",
    phase: "content",
    wat: `${setHeader("X-Demo", "abcdefghij")} ${getHeader("x-DEMO", 64, 12)}`,
    report: "header",
    expect: { headers: { "x-report": "rc=0;rc=10;[abcdefghij##]" } },
  },
  {
    name: "resp_get_header: a buffer too small gets what fits, the full length is returned",
    phase: "content",
    wat: `${setHeader("X-Demo", "abcdefghij")} ${getHeader("X-Demo", 3, 5)}`,
    report: "header",
    expect: { headers: { "x-report": "rc=0;rc=10;[abc##]" } },
  },
  {
    name: "resp_get_header: a zero-length buffer gets nothing, the full length is returned",
    phase: "content",
    wat: `${setHeader("X-Demo", "abcdefghij")} ${getHeader("X-Demo", 0, 2)}`,
    report: "header",
    expect: { headers: { "x-report": "rc=0;rc=10;[##]" } },
  },
  {
    name: "resp_get_header: a header that is not set is -1 (NOT_FOUND), the buffer untouched",
    phase: "content",
    wat: getHeader("X-Missing", 64, 2),
    expect: { report: "rc=-1;[##]" },
  },
  {
    name: "resp_get_header: a removed header is -1",
    phase: "content",
    wat: `${setHeader("X-A", "v")} (drop (call $ngx_wasm_resp_set_header (str "X-A") (global.get $BUF) (i32.const 0))) ${getHeader("X-A", 64, 2)}`,
    expect: { report: "rc=0;rc=-1;[##]" },
  },
  {
    name: "resp_get_header: Content-Type before any is set is -1",
    phase: "content",
    wat: getHeader("Content-Type", 64, 2),
    expect: { report: "rc=-1;[##]" },
  },
  {
    name: "resp_get_header: Content-Type after it is set",
    phase: "content",
    wat: `${setHeader("Content-Type", "application/json")} ${getHeader("content-type", 64, 18)}`,
    report: "header",
    expect: { headers: { "x-report": "rc=0;rc=16;[application/json##]", "content-type": "application/json" } },
  },
  {
    name: "resp_get_header: negative pointers and lengths are -2",
    phase: "content",
    wat: `
      (call $rc (call $ngx_wasm_resp_get_header (i32.const -1) (i32.const 3) (global.get $BUF) (i32.const 8)))
      (call $rc (call $ngx_wasm_resp_get_header (str "X-A") (i32.const -1) (i32.const 8)))
      (call $rc (call $ngx_wasm_resp_get_header (str "X-A") (global.get $BUF) (i32.const -1)))`,
    expect: { report: "rc=-2;rc=-2;rc=-2;" },
  },
  {
    name: "resp_get_header: a buffer past the end of memory traps, naming the function",
    phase: "content",
    wat: `${setHeader("X-A", "v")} (call $rc (call $ngx_wasm_resp_get_header (str "X-A") (i32.const 65535) (i32.const 2)))`,
    expect: { trap: /ngx_wasm_resp_get_header\b.*outside guest memory/, status: 500 },
  },
  {
    name: "resp_get_header: a buffer past the end of memory traps even when the header is absent (ranges first)",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_resp_get_header (str "X-Absent") (i32.const 65535) (i32.const 2)))`,
    expect: { trap: /ngx_wasm_resp_get_header\b.*outside guest memory/, status: 500 },
  },
  {
    name: "resp_get_header in header_filter: the upstream's Content-Type",
    phase: "header_filter",
    wat: getHeader("Content-Type", 64, 11),
    response: { status: 200, contentType: "text/html", body: "<p>" },
    expect: { report: "rc=9;[text/html##]", headers: { "content-type": "text/html" } },
  },
  {
    name: "resp_get_header in header_filter: the length of a returned body (Content-Length)",
    phase: "header_filter",
    wat: getHeader("Content-Length", 64, 4),
    response: { status: 200, body: "upstream body" },
    expect: { report: "rc=2;[13##]" },
  },
  {
    name: "resp_get_header in header_filter: an upstream's header",
    phase: "header_filter",
    wat: getHeader("x-up", 64, 7),
    response: { status: 200, headers: { "X-Up": "from up" } },
    expect: { report: "rc=7;[from up]" },
  },
  {
    name: "resp_get_header in body_filter: the response's headers are readable",
    phase: "body_filter",
    wat: getHeader("Content-Type", 64, 12),
    response: { status: 200, contentType: "text/plain", body: "upstream body" },
    expect: { report: "rc=10;[text/plain##]" },
  },

  // ---- ngx_wasm_resp_write
  {
    name: "resp_write in content: the body, 200, text/plain by default",
    phase: "content",
    wat: write("hello body"),
    report: "header",
    expect: { status: 200, body: "hello body", headers: { "x-report": "rc=0;", "content-type": "text/plain" } },
  },
  {
    name: "resp_write: a second write replaces the first",
    phase: "content",
    wat: `${write("first body")} ${write("second")}`,
    report: "header",
    expect: { body: "second", headers: { "x-report": "rc=0;rc=0;" } },
  },
  {
    name: "resp_write: an empty write gives an empty body",
    phase: "content",
    wat: `${write("first body")} (call $rc (call $ngx_wasm_resp_write (global.get $BUF) (i32.const 0)))`,
    report: "header",
    expect: { status: 200, body: "", headers: { "x-report": "rc=0;rc=0;" } },
  },
  {
    name: "resp_write: bytes are sent as they are",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_resp_write (str "a\\00b\\c3\\a9")))`,
    report: "header",
    expect: { body: "a\0bé", headers: { "x-report": "rc=0;" } },
  },
  {
    name: "resp_write: a negative pointer or length is -2, the body is unchanged",
    phase: "content",
    wat: `${write("kept")}
      (call $rc (call $ngx_wasm_resp_write (i32.const -1) (i32.const 4)))
      (call $rc (call $ngx_wasm_resp_write (global.get $BUF) (i32.const -1)))`,
    report: "header",
    expect: { body: "kept", headers: { "x-report": "rc=0;rc=-2;rc=-2;" } },
  },
  {
    name: "resp_write: a range past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_resp_write (i32.const 65000) (i32.const 600)))`,
    report: "header",
    expect: { trap: /ngx_wasm_resp_write\b.*outside guest memory/, status: 500 },
  },
  {
    name: "resp_write in rewrite: the body short-circuits (200)",
    phase: "rewrite",
    wat: write("from rewrite"),
    report: "header",
    expect: { fellThrough: false, status: 200, body: "from rewrite", headers: { "x-report": "rc=0;" } },
  },
  {
    name: "resp_write in access, with a status",
    phase: "access",
    wat: `${setStatus(403)} ${write("denied")}`,
    report: "header",
    expect: { fellThrough: false, status: 403, body: "denied", headers: { "x-report": "rc=0;rc=0;" } },
  },
  {
    name: "rewrite that sets neither status nor body falls through",
    phase: "rewrite",
    wat: getStatus,
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "0;" } },
  },

  ...phaseGateCases("response"),
];

areaSuite("ABI area response (ngx_wasm_resp_*: status, headers, body)", CASES);
