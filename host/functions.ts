// The complete ABI for one run, assembled from the areas; the compiler checks
// that every function of the generated HostFunctions interface is present.

import { Status } from "../host-abi/tables.js";
import { balancerFunctions } from "./balancer.js";
import { bodyFilterFunctions } from "./body-filter.js";
import { timeFunctions } from "./clock.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { logFunctions } from "./log.js";
import { metricFunctions } from "./metrics.js";
import { requestFunctions } from "./request.js";
import { responseFunctions } from "./response.js";
import { sharedDictFunctions } from "./shared-dict.js";
import { sslFunctions } from "./ssl.js";
import { subrequestFunctions } from "./subrequest.js";
import { variableFunctions } from "./variables.js";

export function hostFunctions(ctx: RunContext): HostFunctions {
  return {
    ...logFunctions(ctx),
    ...responseFunctions(ctx),
    ...bodyFilterFunctions(ctx),
    ...requestFunctions(ctx),
    ...variableFunctions(ctx),
    ...timeFunctions(ctx),
    ...sharedDictFunctions(ctx),
    ...metricFunctions(ctx),
    ...subrequestFunctions(ctx),
    ngx_wasm_yield() {
      ctx.yielded = true; // the run loop re-invokes the export after it returns
      return Status.OK;
    },
    ...balancerFunctions(ctx),
    ...sslFunctions(ctx),
  };
}
