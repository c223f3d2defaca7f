// Writing to the nginx error log. Allowed in every phase.
import { ngx_wasm_log, LogLevel } from "./raw";
import { ptr, utf8 } from "./internal/buffer";

/**
 * The nginx error log, one function per nginx level (most to least severe:
 * `stderr`, `emerg`, `alert`, `crit`, `err`, `warn`, `notice`, `info`, `debug`).
 * A line appears when its level is at least as severe as the `error_log`
 * directive's level. Messages over 1024 bytes (UTF-8) are truncated by the host;
 * they are never used as a format string.
 *
 * Phases: all.
 *
 * ```ts
 * log.warn("cache miss for " + key);
 * ```
 */
export namespace log {
  /** Log `message` at a numeric nginx level (`LogLevel.STDERR` 0 … `LogLevel.DEBUG` 8). */
  export function write(level: i32, message: string): void {
    const bytes = utf8(message);
    ngx_wasm_log(level, ptr(bytes), bytes.byteLength);
  }
  /** Level 0: written regardless of the `error_log` level. */
  export function stderr(message: string): void { write(LogLevel.STDERR, message); }
  /** Level 1: the system is unusable. */
  export function emerg(message: string): void { write(LogLevel.EMERG, message); }
  /** Level 2: action must be taken immediately. */
  export function alert(message: string): void { write(LogLevel.ALERT, message); }
  /** Level 3: critical condition. */
  export function crit(message: string): void { write(LogLevel.CRIT, message); }
  /** Level 4: error (nginx's default `error_log` level shows this and above). */
  export function err(message: string): void { write(LogLevel.ERR, message); }
  /** Level 5: warning. */
  export function warn(message: string): void { write(LogLevel.WARN, message); }
  /** Level 6: normal but significant. */
  export function notice(message: string): void { write(LogLevel.NOTICE, message); }
  /** Level 7: informational. */
  export function info(message: string): void { write(LogLevel.INFO, message); }
  /** Level 8: debugging (needs `error_log … debug;`). */
  export function debug(message: string): void { write(LogLevel.DEBUG, message); }
}
