// ABI area "variables" (ngx_wasm_var_get, ngx_wasm_var_set) at the raw ABI,
// on both hosts from one table (runner.ts). $myvar is a user variable
// (`set $myvar "initial";` in nginx's servers, request.variables in the
// in-process host). Each case has its own location /c<index>, so $uri is
// matched by pattern.
import { areaSuite, phaseGateCases, type AreaCase } from "./runner.js";

const get = (name: string, len = 64, peek = 24) =>
  `(call $fill) (call $rc (call $ngx_wasm_var_get (str "${name}") (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
/** var_get's rc and the value (only the bytes it returned) */
const show = (name: string) =>
  `(local.set $n (call $ngx_wasm_var_get (str "${name}") (global.get $BUF) (i32.const 256)))
   (call $rc (local.get $n))
   (if (i32.ge_s (local.get $n) (i32.const 0)) (then (call $peek (local.get $n))))`;
const set = (name: string, value: string) => `(call $rc (call $ngx_wasm_var_set (str "${name}") (str "${value}")))`;

const CASES: AreaCase[] = [
  // ---- ngx_wasm_var_get
  {
    name: "var_get $uri: the full length and the value",
    phase: "content",
    wat: show("uri"),
    expect: { report: /^rc=(\d);\[\/c\d+\]$/, status: 200, check: (o) => lengthMatches(o.report) },
  },
  {
    name: "var_get $arg_name: the first name=value of the query, not decoded",
    phase: "content",
    wat: show("arg_name"),
    request: { query: "other=1&name=wa%20sm&name=second" },
    expect: { report: "rc=7;[wa%20sm]" },
  },
  {
    name: "var_get $arg_missing: -1 (not found)",
    phase: "content",
    wat: get("arg_missing", 64, 2),
    request: { query: "name=x" },
    expect: { report: "rc=-1;[##]" },
  },
  {
    name: "var_get $args and $is_args",
    phase: "content",
    wat: `${show("args")} ${show("is_args")}`,
    request: { query: "a=1&b=2" },
    expect: { report: "rc=7;[a=1&b=2]rc=1;[?]" },
  },
  {
    name: "var_get $args without a query: -1 (nginx: not found); $is_args: empty",
    phase: "content",
    wat: `${show("args")} ${show("is_args")}`,
    expect: { report: "rc=-1;rc=0;[]" },
  },
  {
    name: "var_get $request_method",
    phase: "content",
    wat: show("request_method"),
    request: { method: "POST", body: "x" },
    expect: { report: "rc=4;[POST]" },
  },
  {
    name: "var_get $http_x_demo, $host, $remote_addr, $cookie_b",
    phase: "content",
    wat: `${show("http_x_demo")} ${show("host")} ${show("remote_addr")} ${show("cookie_b")}`,
    request: { headers: [["X-Demo", "demo value"], ["Cookie", "a=1; b=two"]] },
    expect: { report: "rc=10;[demo value]rc=9;[localhost]rc=9;[127.0.0.1]rc=3;[two]" },
  },
  {
    name: "var_get: names are case-insensitive",
    phase: "content",
    wat: show("HTTP_X_DEMO"),
    request: { headers: [["X-Demo", "v"]] },
    expect: { report: "rc=1;[v]" },
  },
  {
    name: "var_get: a user variable (set $myvar)",
    phase: "content",
    wat: show("myvar"),
    expect: { report: "rc=7;[initial]" },
  },
  {
    name: "var_get: an unknown variable is -1, the buffer untouched",
    phase: "content",
    wat: get("no_such_variable_here", 64, 2),
    expect: { report: "rc=-1;[##]" },
  },
  {
    name: "var_get: an empty name is an unknown variable (-1)",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_get (global.get $BUF) (i32.const 0) (global.get $BUF) (i32.const 8)))`,
    expect: { report: "rc=-1;" },
  },
  {
    name: "var_get: a buffer too small gets what fits, the full length is returned",
    phase: "content",
    wat: get("arg_name", 3, 5),
    request: { query: "name=abcdefghij" },
    expect: { report: "rc=10;[abc##]" },
  },
  {
    name: "var_get: a zero-length buffer gets nothing, the full length is returned",
    phase: "content",
    wat: get("arg_name", 0, 2),
    request: { query: "name=abcdefghij" },
    expect: { report: "rc=10;[##]" },
  },
  {
    name: "var_get: negative pointers and lengths are -2",
    phase: "content",
    wat: `
      (call $rc (call $ngx_wasm_var_get (i32.const -1) (i32.const 3) (global.get $BUF) (i32.const 8)))
      (call $rc (call $ngx_wasm_var_get (str "uri") (i32.const -1) (i32.const 8)))
      (call $rc (call $ngx_wasm_var_get (global.get $BUF) (i32.const -1) (global.get $BUF) (i32.const 8)))
      (call $rc (call $ngx_wasm_var_get (str "uri") (global.get $BUF) (i32.const -1)))`,
    expect: { report: "rc=-2;rc=-2;rc=-2;rc=-2;" },
  },
  {
    name: "var_get: a name past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_get (i32.const 65534) (i32.const 3) (global.get $BUF) (i32.const 8)))`,
    expect: { trap: /ngx_wasm_var_get\b.*outside guest memory/, status: 500 },
  },
  {
    name: "var_get: a buffer past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_get (str "uri") (i32.const 65534) (i32.const 8)))`,
    expect: { trap: /ngx_wasm_var_get\b.*outside guest memory/, status: 500 },
  },
  {
    name: "var_get: a buffer past the end of memory traps even for an unknown variable (ranges first)",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_get (str "no_such_variable_here") (i32.const 65534) (i32.const 8)))`,
    expect: { trap: /ngx_wasm_var_get\b.*outside guest memory/, status: 500 },
  },
  ...(["rewrite", "access", "server_rewrite"] as const).map(
    (phase): AreaCase => ({
      name: `var_get in ${phase}: $arg_name`,
      phase,
      wat: show("arg_name"),
      request: { query: "name=v" },
      expect: { report: "rc=1;[v]" },
    }),
  ),
  {
    name: "var_get in header_filter: $uri",
    phase: "header_filter",
    wat: show("uri"),
    response: { status: 200, body: "upstream body" },
    expect: { report: /^rc=\d;\[\/c\d+\]$/ },
  },
  {
    name: "var_get in body_filter: $arg_name",
    phase: "body_filter",
    wat: show("arg_name"),
    request: { query: "name=v" },
    response: { status: 200, body: "upstream body" },
    expect: { report: "rc=1;[v]" },
  },
  {
    name: "var_get in log: $status is the status sent",
    phase: "log",
    wat: show("status"),
    response: { status: 201, body: "created" },
    expect: { report: "rc=3;[201]" },
  },
  {
    name: "var_get in balancer: $arg_name",
    phase: "balancer",
    wat: show("arg_name"),
    request: { query: "name=v" },
    expect: { report: "rc=1;[v]" },
  },

  // ---- ngx_wasm_var_set
  {
    name: "var_set: a user variable is changed (0), var_get reads the new value",
    phase: "content",
    wat: `${set("myvar", "set by guest")} ${show("myvar")}`,
    expect: { report: "rc=0;rc=12;[set by guest]" },
  },
  {
    name: "var_set: an empty value",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_set (str "myvar") (global.get $BUF) (i32.const 0))) ${show("myvar")}`,
    expect: { report: "rc=0;rc=0;[]" },
  },
  {
    name: "var_set: an unknown variable is -1",
    phase: "content",
    wat: set("no_such_variable_here", "x"),
    expect: { report: "rc=-1;" },
  },
  {
    name: "var_set: an empty name is an unknown variable (-1)",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_set (global.get $BUF) (i32.const 0) (str "x")))`,
    expect: { report: "rc=-1;" },
  },
  ...["remote_addr", "uri", "request_method", "host", "query_string"].map(
    (name): AreaCase => ({
      name: `var_set $${name}: -2 (not changeable), the value stays`,
      phase: "content",
      wat: `${set(name, "changed")} (call $rc (i32.eq (call $ngx_wasm_var_get (str "${name}") (global.get $BUF) (i32.const 64)) (i32.const 7)))`,
      expect: { report: "rc=-2;rc=0;" },
    }),
  ),
  ...["arg_name", "http_x_demo", "cookie_a"].map(
    (name): AreaCase => ({
      name: `var_set $${name} (a prefix variable nginx computes): -2 (not changeable)`,
      phase: "content",
      wat: set(name, "changed"),
      request: { query: "name=v", headers: [["X-Demo", "v"], ["Cookie", "a=1"]] },
      expect: { report: "rc=-2;" },
    }),
  ),
  {
    name: "var_set $args in rewrite: 0, the next phase gets the new query string",
    phase: "rewrite",
    wat: `${set("args", "new=1")} ${show("args")} ${show("arg_new")}`,
    request: { query: "old=1" },
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "rc=0;rc=5;[new=1]rc=1;[1]" }, args: "new=1" },
  },
  {
    name: "var_set: negative pointers and lengths are -2",
    phase: "content",
    wat: `
      (call $rc (call $ngx_wasm_var_set (i32.const -1) (i32.const 5) (str "v")))
      (call $rc (call $ngx_wasm_var_set (str "myvar") (i32.const -1) (i32.const 1)))
      (call $rc (call $ngx_wasm_var_set (global.get $BUF) (i32.const -1) (str "v")))
      (call $rc (call $ngx_wasm_var_set (str "myvar") (global.get $BUF) (i32.const -1)))
      ${show("myvar")}`,
    expect: { report: "rc=-2;rc=-2;rc=-2;rc=-2;rc=7;[initial]" },
  },
  {
    name: "var_set: a name past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_set (i32.const 65534) (i32.const 5) (str "v")))`,
    expect: { trap: /ngx_wasm_var_set\b.*outside guest memory/, status: 500 },
  },
  {
    name: "var_set: a value past the end of memory traps, naming the function",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_var_set (str "myvar") (i32.const 65534) (i32.const 5)))`,
    expect: { trap: /ngx_wasm_var_set\b.*outside guest memory/, status: 500 },
  },
  ...(["rewrite", "access", "server_rewrite"] as const).map(
    (phase): AreaCase => ({
      name: `var_set in ${phase}: a user variable`,
      phase,
      wat: `${set("myvar", "from " + phase)} ${show("myvar")}`,
      expect: { report: new RegExp(`^rc=0;rc=\\d+;\\[from ${phase}\\]$`) },
    }),
  ),
  {
    name: "var_set in balancer: a user variable",
    phase: "balancer",
    wat: `${set("myvar", "from balancer")} ${show("myvar")}`,
    expect: { report: "rc=0;rc=13;[from balancer]" },
  },

  ...phaseGateCases("variables"),
];

/** $uri's value is the case's own location: its length must be what var_get returned. */
function lengthMatches(report: string | undefined): void {
  const m = /^rc=(\d);\[(.*)\]$/.exec(report ?? "");
  if (!m || Number(m[1]) !== m[2]!.length) throw new Error(`var_get's length does not match its value: ${report}`);
}

areaSuite("ABI area variables (ngx_wasm_var_get, ngx_wasm_var_set)", CASES, { variables: { myvar: "initial" } });
