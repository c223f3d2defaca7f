// The host's time source. nginx hands guests its cached time; here a test can
// freeze it ("manual") and move it by hand, so TTLs and timestamps are deterministic.

import { Limit, Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import type { GuestBuffer } from "./memory.js";

export type ClockMode = "real" | "manual";

export class Clock {
  readonly mode: ClockMode;
  private unixOffset = 0;
  private monotonicOffset = 0;
  private manualUnix: number;
  private manualMonotonic = 0;

  constructor(mode: ClockMode = "real") {
    this.mode = mode;
    this.manualUnix = Date.now();
  }

  /** Milliseconds since the Unix epoch (integer). */
  unixMs(): number {
    return this.mode === "manual" ? this.manualUnix : Date.now() + this.unixOffset;
  }

  /** Milliseconds of a monotonic clock (integer, never goes back unless `set` moves it). */
  monotonicMs(): number {
    return this.mode === "manual"
      ? this.manualMonotonic
      : Math.floor(performance.now()) + this.monotonicOffset;
  }

  /** Move both clocks forward by `ms` (works on a real clock too, as an offset). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance(${ms}): ms must be a non-negative number`);
    const step = Math.floor(ms);
    if (this.mode === "manual") {
      this.manualUnix += step;
      this.manualMonotonic += step;
    } else {
      this.unixOffset += step;
      this.monotonicOffset += step;
    }
  }

  /** Set the wall-clock time; the monotonic clock is not affected. */
  set(unixMs: number): void {
    if (!Number.isFinite(unixMs) || unixMs < 0) throw new RangeError(`clock.set(${unixMs}): unixMs must be a non-negative number`);
    if (this.mode === "manual") this.manualUnix = Math.floor(unixMs);
    else this.unixOffset = Math.floor(unixMs) - Date.now();
  }
}

export function timeFunctions(ctx: RunContext): Pick<HostFunctions, "ngx_wasm_time_unix_ms" | "ngx_wasm_time_monotonic_ms"> {
  const write = (buf: GuestBuffer, ms: number) => {
    if (buf.length < Limit.TIME_BUF_MIN) return Status.ERROR;
    buf.writeU64(ms);
    return Status.OK;
  };
  return {
    ngx_wasm_time_unix_ms: (buf) => write(buf, ctx.clock.unixMs()),
    ngx_wasm_time_monotonic_ms: (buf) => write(buf, ctx.clock.monotonicMs()),
  };
}
