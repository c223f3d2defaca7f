// Runtime hooks the compiler would otherwise import from the host (`env.abort`,
// `env.trace`, `env.seed`). `ngxwasm build` wires them in with
// `--use abort=… --use trace=… --use seed=…`, so a built guest imports nothing
// but ngx_wasm_* functions. This file is compiled as an extra entry: nothing in
// it is exported.
import { ngx_wasm_log, ngx_wasm_time_monotonic_ms, ngx_wasm_time_unix_ms, ngx_wasm_var_get, LogLevel } from "./raw";

function logText(level: i32, text: string): void {
  const bytes = String.UTF8.encode(text);
  ngx_wasm_log(level, <i32>changetype<usize>(bytes), bytes.byteLength);
}

/** `abort()`, failed `assert()`s and runtime errors: log the message and where, then trap. */
function ngxAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "guest abort: ";
  text += message !== null ? message : "(no message)";
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  logText(LogLevel.ERR, text);
  unreachable();
}

/** `trace()`: a DEBUG log line. */
function ngxTrace(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let text = "trace: " + message;
  if (n > 0) text += " " + a0.toString();
  if (n > 1) text += ", " + a1.toString();
  if (n > 2) text += ", " + a2.toString();
  if (n > 3) text += ", " + a3.toString();
  if (n > 4) text += ", " + a4.toString();
  logText(LogLevel.DEBUG, text);
}

// `$request_id`: 32 hex digits nginx draws from its RNG for every request
// (the TS host does the same), read into static space: no allocation.
@lazy const REQUEST_ID = "request_id";
const REQUEST_ID_LEN: i32 = 32;
const requestId: usize = memory.data(REQUEST_ID_LEN);
const timeBuf: usize = memory.data(8);

/** splitmix64's finaliser: every input bit affects every output bit. */
function mix64(x: u64): u64 {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

/**
 * `Math.random()` seed, drawn once per guest instance (so once per request and
 * phase): the request's `$request_id` (128 random bits from nginx) mixed with
 * wall-clock and monotonic time. Time alone gave keep-alive requests served in
 * the same millisecond the same sequence. Not for cryptography. The TLS phases
 * have no request (and may not read variables): do not use Math.random there.
 */
function ngxSeed(): f64 {
  const name = String.UTF8.encode(REQUEST_ID);
  const len = ngx_wasm_var_get(<i32>changetype<usize>(name), name.byteLength, <i32>requestId, REQUEST_ID_LEN);
  let h: u64 = 0xcbf29ce484222325; // FNV-1a over the id's bytes
  for (let i = 0; i < min(len, REQUEST_ID_LEN); i++) {
    h = (h ^ <u64>load<u8>(requestId + i)) * 0x100000001b3;
  }
  ngx_wasm_time_unix_ms(<i32>timeBuf, 8);
  h = mix64(h ^ load<u64>(timeBuf));
  ngx_wasm_time_monotonic_ms(<i32>timeBuf, 8);
  h = mix64(h ^ load<u64>(timeBuf));
  // The compiler seeds with reinterpret<u64>(seed()): pass all 64 bits through.
  return reinterpret<f64>(h);
}
