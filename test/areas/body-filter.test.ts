// ABI area "body_filter" (ngx_wasm_resp_get_body_chunk,
// ngx_wasm_resp_get_body_chunk_eof, ngx_wasm_resp_set_body_chunk) at the raw
// ABI, on both hosts from one table (runner.ts). The report of a body filter
// replaces the chunk it ran for, unless a case reports through the log.
//
// Chunks: a single body comes from nginx's `return` (one chunk, the last);
// `chunks` come from a Node upstream through an unbuffered proxy, one
// invocation per chunk and one more, empty, for the end of the body.
//
// NOT_FOUND (-1, "no current chunk") of get_body_chunk and get_body_chunk_eof
// cannot be reached: both are allowed only in body_filter, where a chunk is
// always current; outside it they trap (the phase-gate rows).
import { areaSuite, phaseGateCases, type AreaCase } from "./runner.js";

const getChunk = (len: number, peek: number) =>
  `(call $fill) (call $rc (call $ngx_wasm_resp_get_body_chunk (global.get $BUF) (i32.const ${len}))) (call $peek (i32.const ${peek}))`;
const eof = `(call $say (str "eof=")) (call $num (call $ngx_wasm_resp_get_body_chunk_eof)) (call $say (str ";"))`;
const setChunk = (s: string) => `(call $rc (call $ngx_wasm_resp_set_body_chunk (str "${s}")))`;
const single = { status: 200, body: "hello body" };
const three = { status: 200, chunks: ["one", "two", "three"] };

const CASES: AreaCase[] = [
  // ---- ngx_wasm_resp_get_body_chunk
  {
    name: "get_body_chunk: the full length and the bytes of the chunk",
    phase: "body_filter",
    wat: getChunk(64, 12),
    response: single,
    expect: { report: "rc=10;[hello body##]", status: 200, body: "rc=10;[hello body##]" },
  },
  {
    name: "get_body_chunk: a buffer too small gets what fits, the full length is returned",
    phase: "body_filter",
    wat: getChunk(3, 5),
    response: single,
    expect: { report: "rc=10;[hel##]" },
  },
  {
    name: "get_body_chunk: a zero-length buffer gets nothing, the full length is returned",
    phase: "body_filter",
    wat: getChunk(0, 2),
    response: single,
    expect: { report: "rc=10;[##]" },
  },
  {
    name: "get_body_chunk: an empty body is one empty, last chunk",
    phase: "body_filter",
    wat: `${getChunk(64, 2)} ${eof}`,
    response: { status: 200, body: "" },
    expect: { report: "rc=0;[##]eof=1;" },
  },
  {
    name: "get_body_chunk: a negative pointer or length is -2",
    phase: "body_filter",
    wat: `(call $rc (call $ngx_wasm_resp_get_body_chunk (i32.const -1) (i32.const 8)))
      (call $rc (call $ngx_wasm_resp_get_body_chunk (global.get $BUF) (i32.const -1)))`,
    response: single,
    expect: { report: "rc=-2;rc=-2;" },
  },
  {
    name: "get_body_chunk: a buffer past the end of memory traps, naming the function",
    phase: "body_filter",
    wat: `(call $rc (call $ngx_wasm_resp_get_body_chunk (i32.const 65530) (i32.const 64)))`,
    response: single,
    expect: { trap: /ngx_wasm_resp_get_body_chunk\b.*outside guest memory/ },
  },

  // ---- ngx_wasm_resp_get_body_chunk_eof, and chunks in sequence
  {
    name: "get_body_chunk_eof: a single body is the last chunk (1)",
    phase: "body_filter",
    wat: eof,
    response: single,
    expect: { report: "eof=1;" },
  },
  {
    name: "chunks in sequence: one invocation each, eof 0 until the end of the body (an empty last chunk)",
    phase: "body_filter",
    wat: `${getChunk(64, 6)} ${eof}`,
    response: three,
    expect: { report: "rc=3;[one###]eof=0;rc=3;[two###]eof=0;rc=5;[three#]eof=0;rc=0;[######]eof=1;" },
  },
  {
    name: "chunks in sequence: one instance, globals kept from chunk to chunk",
    phase: "body_filter",
    fields: "(global $bf_seen (mut i32) (i32.const 0))",
    wat: `(global.set $bf_seen (i32.add (global.get $bf_seen) (i32.const 1))) (call $say (str "#")) (call $num (global.get $bf_seen)) (call $say (str ";"))`,
    response: three,
    expect: { report: "#1;#2;#3;#4;", body: "#1;#2;#3;#4;" },
  },

  // ---- ngx_wasm_resp_set_body_chunk
  {
    name: "set_body_chunk: rc 0, the chunk's output is replaced",
    phase: "body_filter",
    wat: setChunk("REPLACED"),
    response: single,
    report: "log",
    expect: { report: "rc=0;", status: 200, body: "REPLACED" },
  },
  {
    name: "set_body_chunk: the last call wins",
    phase: "body_filter",
    wat: `${setChunk("first")} ${setChunk("second")}`,
    response: single,
    report: "log",
    expect: { report: "rc=0;rc=0;", body: "second" },
  },
  {
    name: "set_body_chunk with no bytes: the chunk is dropped",
    phase: "body_filter",
    wat: `(call $rc (call $ngx_wasm_resp_set_body_chunk (global.get $BUF) (i32.const 0)))`,
    response: single,
    report: "log",
    expect: { report: "rc=0;", status: 200, body: "" },
  },
  {
    name: "set_body_chunk not called: the chunk passes through unchanged",
    phase: "body_filter",
    wat: `${getChunk(64, 0)}`,
    response: single,
    report: "log",
    expect: { report: "rc=10;[]", body: "hello body" },
  },
  {
    name: "set_body_chunk: a replacement larger than the chunk",
    phase: "body_filter",
    wat: `(memory.fill (global.get $BUF) (i32.const 122) (i32.const 16000))
      (call $rc (call $ngx_wasm_resp_set_body_chunk (global.get $BUF) (i32.const 16000)))`,
    response: single,
    report: "log",
    expect: { report: "rc=0;", body: "z".repeat(16000) },
  },
  {
    name: "set_body_chunk per chunk: each chunk's output is its own (here its first byte)",
    phase: "body_filter",
    wat: `(local.set $n (call $ngx_wasm_resp_get_body_chunk (global.get $BUF) (i32.const 64)))
      (call $rc (call $ngx_wasm_resp_set_body_chunk (global.get $BUF) (select (i32.const 1) (i32.const 0) (i32.gt_s (local.get $n) (i32.const 0)))))`,
    response: three,
    report: "log",
    expect: { report: "rc=0;rc=0;rc=0;rc=0;", body: "ott" },
  },
  {
    name: "set_body_chunk: a negative pointer or length is -2, the chunk passes unchanged",
    phase: "body_filter",
    wat: `(call $rc (call $ngx_wasm_resp_set_body_chunk (i32.const -1) (i32.const 3)))
      (call $rc (call $ngx_wasm_resp_set_body_chunk (global.get $BUF) (i32.const -1)))`,
    response: single,
    report: "log",
    expect: { report: "rc=-2;rc=-2;", body: "hello body" },
  },
  {
    name: "set_body_chunk: a range past the end of memory traps, naming the function",
    phase: "body_filter",
    wat: `(call $rc (call $ngx_wasm_resp_set_body_chunk (i32.const 65535) (i32.const 2)))`,
    response: single,
    report: "log",
    expect: { trap: /ngx_wasm_resp_set_body_chunk\b.*outside guest memory/ },
  },

  // ---- what the client gets when the body filter fails
  {
    name: "a failure on a later chunk: the client has the earlier output, then the response is cut",
    phase: "body_filter",
    fields: "(global $bf_calls (mut i32) (i32.const 0))",
    wat: `(global.set $bf_calls (i32.add (global.get $bf_calls) (i32.const 1)))
      (if (i32.eq (global.get $bf_calls) (i32.const 2)) (then unreachable))
      ${setChunk("first out;")}`,
    response: three,
    report: "none",
    expect: { trap: /unreachable/, status: 200, body: "first out;" },
  },
  {
    name: "a non-zero return on a later chunk: the same",
    phase: "body_filter",
    fields: "(global $bf_calls2 (mut i32) (i32.const 0))",
    wat: `(global.set $bf_calls2 (i32.add (global.get $bf_calls2) (i32.const 1)))
      ${setChunk("first out;")}
      (if (i32.eq (global.get $bf_calls2) (i32.const 2)) (then (return (i32.const 3))))`,
    response: three,
    report: "none",
    expect: { returned: 3, status: 200, body: "first out;" },
  },
  {
    name: "a failure on the first chunk: the status stays the upstream's, no body",
    phase: "body_filter",
    wat: `unreachable`,
    response: { status: 201, body: "never sent" },
    report: "none",
    expect: { trap: /unreachable/, status: 201, body: "" },
  },

  ...phaseGateCases("body_filter"),
];

areaSuite("ABI area body_filter (ngx_wasm_resp_*_body_chunk*)", CASES);
