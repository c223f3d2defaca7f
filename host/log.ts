// ngx_wasm_log: guest bytes go to the error log at nginx's levels, truncated at
// LOG_MAX bytes, never used as a format string, control bytes as \xNN.

import { Limit, LogLevel, Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";

export const LOG_LEVEL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(LogLevel).map(([name, level]) => [level, name]),
);

/** Control bytes but tab as `\xNN` (as the nginx module writes them): no forged log lines. */
function escapeControls(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const b of bytes) {
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) out.push(...Buffer.from(`\\x${b.toString(16).padStart(2, "0")}`, "latin1"));
    else out.push(b);
  }
  return Uint8Array.from(out);
}

export function logFunctions(ctx: RunContext): Pick<HostFunctions, "ngx_wasm_log"> {
  const decoder = new TextDecoder();
  return {
    ngx_wasm_log(level, data) {
      const levelName = LOG_LEVEL_NAMES.get(level);
      if (levelName === undefined) return Status.ERROR;
      ctx.logs.push({ level, levelName, message: decoder.decode(escapeControls(data.subarray(0, Limit.LOG_MAX))), source: "guest" });
      return Status.OK;
    },
  };
}
