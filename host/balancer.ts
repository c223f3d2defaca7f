// balancer_by_wasm: pick a zero-based index into the upstream block's servers.

import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";

export function balancerFunctions(ctx: RunContext): Pick<HostFunctions, "ngx_wasm_balancer_set_peer"> {
  return {
    ngx_wasm_balancer_set_peer(index) {
      if (index < 0 || index >= ctx.peers) return Status.ERROR;
      ctx.peer = index;
      return Status.OK;
    },
  };
}
