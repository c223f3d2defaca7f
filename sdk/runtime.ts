// Runtime hooks the compiler would otherwise import from the host (`env.abort`,
// `env.trace`, `env.seed`). `ngxwasm build` wires them in with
// `--use abort=… --use trace=… --use seed=…`, so a built guest imports nothing
// but ngx_wasm_* functions. This file is compiled as an extra entry: nothing in
// it is exported.
import { ngx_wasm_log, ngx_wasm_time_monotonic_ms, ngx_wasm_time_unix_ms, LogLevel } from "./raw";

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

/** `Math.random()` seed: mixes wall-clock and monotonic time (not for cryptography). */
function ngxSeed(): f64 {
  const buf = new ArrayBuffer(8);
  const ptr = <i32>changetype<usize>(buf);
  ngx_wasm_time_unix_ms(ptr, 8);
  const wall = load<u64>(changetype<usize>(buf));
  ngx_wasm_time_monotonic_ms(ptr, 8);
  const mono = load<u64>(changetype<usize>(buf));
  return <f64>(wall ^ (mono << 21));
}
