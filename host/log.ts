// ngx_wasm_log: guest bytes go to the error log at nginx's levels, truncated at
// LOG_MAX bytes and never used as a format string.

import { Limit, LogLevel, Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";

export const LOG_LEVEL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(LogLevel).map(([name, level]) => [level, name]),
);

export function logFunctions(ctx: RunContext): Pick<HostFunctions, "ngx_wasm_log"> {
  const decoder = new TextDecoder();
  return {
    ngx_wasm_log(level, data) {
      const levelName = LOG_LEVEL_NAMES.get(level);
      if (levelName === undefined) return Status.ERROR;
      ctx.logs.push({ level, levelName, message: decoder.decode(data.subarray(0, Limit.LOG_MAX)), source: "guest" });
      return Status.OK;
    },
  };
}
