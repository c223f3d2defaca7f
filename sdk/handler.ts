// Handler exports with minimal boilerplate.
import { Response } from "./response";
import { isSuspended, resume } from "./internal/suspend";

/**
 * Run a handler body and finish the invocation: the export nginx calls must be
 * a `() => i32` function, so write it as one line around `handle`:
 *
 * ```ts
 * import { Response, handle } from "../../sdk";
 *
 * export function on_content(): i32 {
 *   return handle((): void => { Response.say("hello, world"); });
 * }
 * ```
 *
 * `fn` is a plain function (AssemblyScript closures cannot capture locals;
 * use globals or a named top-level function). After `fn` returns, `handle`
 * writes the body accumulated by `Response.print/say/write` to nginx — unless
 * the invocation yielded or launched a subrequest, in which case the export
 * will be called again and the body is written at the end — and returns 0
 * (success). Errors do not return here: an SDK abort traps the invocation,
 * which nginx answers with a 500 and an error-log line.
 *
 * Any phase; in filter/log/SSL phases nothing is written unless you printed.
 */
@inline
export function handle(fn: () => void): i32 {
  resume();
  fn();
  if (!isSuspended()) Response.flush();
  return 0;
}
