// The fault campaign's guest: one WebAssembly module with an export per way
// a guest can fail at request time (see FAULTS), plus `ok` (writes "ok\n"
// in a request phase), `pass` (does nothing, returns 0: a filter that
// leaves the response alone), `fail_second_chunk` (a body filter that
// traps once part of the response is out) and `busy` (tens of ms of work). Raw WAT so each export does exactly one thing.
import { abiGuest } from "../support/wat.js";

export type Phase = "server_rewrite" | "rewrite" | "access" | "content" | "header_filter" | "body_filter" | "log" | "balancer";

/** Every phase the nginx module runs guests in for a request (the TLS ones run in test/e2e/tls.test.ts). */
export const PHASES: readonly Phase[] = ["server_rewrite", "rewrite", "access", "content", "header_filter", "body_filter", "log", "balancer"];

/** Phases whose guests may call ngx_wasm_yield (and ngx_wasm_resp_write). */
export const REQUEST_PHASES: readonly Phase[] = ["server_rewrite", "rewrite", "access", "content"];

export interface Fault {
  /** Name in URLs and server names. */
  kind: string;
  /** The export that fails this way in `phase`. */
  exportFor(phase: Phase): string;
  /** What the error-log line says after `(phase P) ` (before nginx's ", client: …"). */
  logFor(phase: Phase): string;
}

const requestPhase = (p: Phase): boolean => REQUEST_PHASES.includes(p);
const trapped = (reason: string): string => `trapped: ${reason}`;

/** Max invocations configured for the yield-forever cells (wasm_max_invocations). */
export const MAX_INVOCATIONS = 50;

export const FAULTS: readonly Fault[] = [
  { kind: "unreachable", exportFor: () => "unreachable", logFor: () => trapped("unreachable executed") },
  { kind: "oob-load", exportFor: () => "oob_load", logFor: () => trapped("out of bounds memory access") },
  { kind: "div-zero", exportFor: () => "div_zero", logFor: () => trapped("integer divide by zero") },
  {
    kind: "call-indirect",
    exportFor: () => "call_indirect_mismatch",
    logFor: () => trapped("indirect call to a null or mismatched function"),
  },
  {
    // grows 64 pages at a time until memory.grow returns -1, then traps the
    // way AssemblyScript's allocator does: the log says why
    kind: "memory-bomb",
    exportFor: () => "memory_bomb",
    logFor: () => trapped("memory limit (16 MiB) reached, then: unreachable executed"),
  },
  { kind: "runaway-loop", exportFor: () => "runaway_loop", logFor: () => trapped("time limit exceeded") },
  {
    // an 8-byte buffer at 65532 in a 65536-byte memory
    kind: "bad-pointer",
    exportFor: () => "bad_pointer",
    logFor: () => trapped("ngx_wasm_time_unix_ms: memory range 65532..65540 is outside guest memory (65536 bytes)"),
  },
  {
    // a function the phase may not call: the body-filter chunk outside the
    // body filter, a response body where the response is already under way
    kind: "forbidden-call",
    exportFor: (p) => (requestPhase(p) ? "forbidden_chunk_eof" : "forbidden_resp_write"),
    logFor: (p) =>
      trapped(`${requestPhase(p) ? "ngx_wasm_resp_get_body_chunk_eof" : "ngx_wasm_resp_write"} is not allowed in phase ${p}`),
  },
  { kind: "nonzero-return", exportFor: () => "nonzero_return", logFor: () => "returned 7" },
  { kind: "stack-exhaustion", exportFor: () => "deep_recursion", logFor: () => trapped("call stack exhausted") },
  {
    // yields on every invocation; where yield is allowed the request ends at
    // wasm_max_invocations, elsewhere the yield itself traps
    kind: "yield-forever",
    exportFor: () => "yield_forever",
    logFor: (p) =>
      requestPhase(p)
        ? `failed: too many re-invocations (the export asked to run again after ${MAX_INVOCATIONS} invocations; wasm_max_invocations)`
        : trapped(`ngx_wasm_yield is not allowed in phase ${p}`),
  },
];

/** The guest, assembled. Memory: one page, "ok\n" at 1024. */
export function faultGuest(): Promise<Uint8Array> {
  return abiGuest(`
  (type $to_i32 (func (result i32)))
  (type $i32_to_i32 (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $identity)
  (global $zero (mut i32) (i32.const 0))
  (global $chunks (mut i32) (i32.const 0))
  (data (i32.const 1024) "ok\\n")

  (func $identity (type $i32_to_i32) (local.get 0))

  (func $recurse (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (i32.add (local.get $n) (i32.const 1)))))

  (func (export "ok") (result i32)
    (drop (call $ngx_wasm_resp_write (i32.const 1024) (i32.const 3)))
    (i32.const 0))

  (func (export "pass") (result i32)
    (i32.const 0))

  (func (export "unreachable") (result i32)
    (unreachable))

  (func (export "oob_load") (result i32)
    (i32.load (i32.const 65534)))

  (func (export "div_zero") (result i32)
    (i32.div_u (i32.const 1) (global.get $zero)))

  ;; table slot 0 holds (i32) -> i32; called as () -> i32
  (func (export "call_indirect_mismatch") (result i32)
    (call_indirect (type $to_i32) (i32.const 0)))

  (func (export "memory_bomb") (result i32)
    (block $refused
      (loop $grow
        (br_if $refused (i32.eq (memory.grow (i32.const 64)) (i32.const -1)))
        (br $grow)))
    (unreachable))

  (func (export "runaway_loop") (result i32)
    (loop $forever (br $forever))
    (i32.const 0))

  (func (export "bad_pointer") (result i32)
    (drop (call $ngx_wasm_time_unix_ms (i32.const 65532) (i32.const 8)))
    (i32.const 0))

  (func (export "forbidden_chunk_eof") (result i32)
    (drop (call $ngx_wasm_resp_get_body_chunk_eof))
    (i32.const 0))

  (func (export "forbidden_resp_write") (result i32)
    (drop (call $ngx_wasm_resp_write (i32.const 1024) (i32.const 3)))
    (i32.const 0))

  (func (export "nonzero_return") (result i32)
    (i32.const 7))

  (func (export "deep_recursion") (result i32)
    (call $recurse (i32.const 0)))

  ;; a body filter that passes the first chunk and traps on the second: the
  ;; instance (and this global) lives across the chunks of one request
  (func (export "fail_second_chunk") (result i32)
    (global.set $chunks (i32.add (global.get $chunks) (i32.const 1)))
    (if (i32.ge_u (global.get $chunks) (i32.const 2)) (then (unreachable)))
    (i32.const 0))

  ;; honest work for a while (50 million dependent multiply-adds, tens of
  ;; ms), its result stored so that cc keeps the loop; returns 0
  (func (export "busy") (result i32)
    (local $i i32) (local $x i32)
    (local.set $i (i32.const 50000000))
    (loop $more
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $more (local.get $i)))
    (i32.store (i32.const 2048) (local.get $x))
    (i32.const 0))

  (func (export "yield_forever") (result i32)
    (drop (call $ngx_wasm_yield))
    (i32.const 0))`);
}
