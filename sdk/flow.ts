// Yield and multi-invocation handlers. Yield is re-invocation, not stack
// switching: after `yieldNow()` or `Subrequest.fetch()` the handler RETURNS;
// nginx later calls the same export again on the same instance, so globals
// (and memory) survive for this request. A `Stage` kept in a global tells each
// invocation where it is.
import { ngx_wasm_yield } from "./raw";
import { suspend } from "./internal/suspend";

/**
 * Give control back to nginx (let other requests run); your export is called
 * again later. `return` right after; `handle()` does not flush the body of a
 * suspended invocation, so output printed before and after the yield ends up
 * in one response.
 *
 * Phases: server_rewrite, rewrite, access, content (not in filters, log,
 * balancer or SSL phases).
 */
export function yieldNow(): void {
  ngx_wasm_yield();
  suspend();
}

/**
 * Where a re-invoked handler is: a small counter kept in a **global** (module
 * level `const`), starting at 0 on the first invocation of the request.
 *
 * ```ts
 * const stage = new Stage();
 *
 * export function on_content(): i32 {
 *   return handle(content);
 * }
 *
 * function content(): void {
 *   if (stage.is(0)) {
 *     Subrequest.fetch("/backend", "id=42");
 *     stage.next();
 *     return;                      // nginx runs /backend, then calls on_content again
 *   }
 *   Response.say("backend said " + Subrequest.status().toString());
 * }
 * ```
 */
export class Stage {
  private value: i32 = 0;

  /** The current stage (0 on the first invocation). */
  get current(): i32 {
    return this.value;
  }

  /** Whether the current stage is `n`. */
  is(n: i32): bool {
    return this.value == n;
  }

  /** Move to the next stage; returns it. */
  next(): i32 {
    return ++this.value;
  }

  /** Jump to stage `n` (e.g. to loop back and poll again). */
  goto(n: i32): void {
    this.value = n;
  }
}
