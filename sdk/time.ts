// nginx's cached time (updated once per event-loop iteration, not per call).
import { ngx_wasm_time_monotonic_ms, ngx_wasm_time_unix_ms, Limit } from "./raw";
import { check } from "./internal/errors";

const timeBuf: usize = memory.data(Limit.TIME_BUF_MIN);

/**
 * Time as nginx caches it: cheap to read, the same value throughout one
 * event-loop iteration. No `Date`/`performance` in guests: use these.
 *
 * Phases: all.
 *
 * ```ts
 * const started = Time.monotonicMs();
 * // … later: elapsed = Time.monotonicMs() - started
 * ```
 */
export namespace Time {
  /** Milliseconds since the Unix epoch (wall clock). */
  export function unixMs(): u64 {
    check(ngx_wasm_time_unix_ms(<i32>timeBuf, Limit.TIME_BUF_MIN), "Time.unixMs");
    return load<u64>(timeBuf); // little-endian, as wasm memory is
  }

  /** Milliseconds of a monotonic clock (only differences are meaningful). */
  export function monotonicMs(): u64 {
    check(ngx_wasm_time_monotonic_ms(<i32>timeBuf, Limit.TIME_BUF_MIN), "Time.monotonicMs");
    return load<u64>(timeBuf);
  }

  /** Whole seconds since the Unix epoch. */
  export function unixSeconds(): u64 {
    return unixMs() / 1000;
  }
}
