// Upstream peer selection (`balancer_by_wasm` inside an `upstream {}` block).
import { ngx_wasm_balancer_set_peer } from "./raw";
import { check } from "./internal/errors";

/**
 * Choose which server of the `upstream {}` block serves this request.
 *
 * Phases: balancer (no yield, no subrequests there).
 *
 * ```ts
 * export function on_balancer(): i32 {
 *   const id = Request.header("X-User-Id");
 *   Balancer.setPeer(id !== null && id.length % 2 == 1 ? 1 : 0);
 *   return 0;
 * }
 * ```
 */
export namespace Balancer {
  /** Use the server at zero-based `index` in the upstream's `server` list. Aborts when there is no such server. */
  export function setPeer(index: i32): void {
    check(ngx_wasm_balancer_set_peer(index), "Balancer.setPeer", index.toString(), "no such server in the upstream block (indexes start at 0)");
  }
}
