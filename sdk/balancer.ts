// Upstream peer selection (`balancer_by_wasm` inside an `upstream {}` block).
import { ngx_wasm_balancer_set_peer, Status } from "./raw";
import { fail } from "./internal/errors";
import { Variables } from "./variables";

/**
 * Choose which server of the `upstream {}` block serves this request.
 *
 * Phases: balancer (no yield, no subrequests there). The export runs once per
 * try: again for each retry under `proxy_next_upstream` (`Balancer.tryNumber()`
 * counts them). Not calling `setPeer` leaves the choice to round robin.
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
  /**
   * Use the server at zero-based `index` in the upstream's `server` list.
   * Aborts when there is no such server, naming the index and how many there are.
   */
  export function setPeer(index: i32): void {
    if (ngx_wasm_balancer_set_peer(index) == Status.ERROR) {
      fail("Balancer.setPeer(" + index.toString() + ")", "no such server: the upstream block has " + peers().toString() + " (indexes start at 0)");
    }
  }

  /** How many servers the upstream block has (`$wasm_balancer_peers`); 0 outside the balancer. */
  export function peers(): i32 {
    return numeric("wasm_balancer_peers");
  }

  /** Which try this is: 1, then 2, 3, … for retries under `proxy_next_upstream` (`$wasm_balancer_try`); 0 outside the balancer. */
  export function tryNumber(): i32 {
    return numeric("wasm_balancer_try");
  }

  function numeric(variable: string): i32 {
    const v = Variables.get(variable);
    return v !== null ? I32.parseInt(v) : 0;
  }
}
