// The body filter sees the response one chunk at a time: one invocation per
// chunk, `eof` on the last; resp_set_body_chunk replaces that chunk's output,
// not calling it passes the chunk through.

import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";

export class BodyFilterState {
  current?: { data: Uint8Array; eof: boolean };
  /** replacement output for the current chunk */
  output?: Uint8Array;

  begin(data: Uint8Array, eof: boolean): void {
    this.current = { data, eof };
    this.output = undefined;
  }

  /** What goes downstream for the current chunk. */
  result(): Uint8Array {
    return this.output ?? this.current?.data ?? new Uint8Array();
  }
}

type BodyFilterFunctions = Pick<
  HostFunctions,
  "ngx_wasm_resp_get_body_chunk" | "ngx_wasm_resp_get_body_chunk_eof" | "ngx_wasm_resp_set_body_chunk"
>;

export function bodyFilterFunctions(ctx: RunContext): BodyFilterFunctions {
  const state = ctx.bodyFilter;
  return {
    ngx_wasm_resp_get_body_chunk(buf) {
      if (!state.current) return Status.NOT_FOUND;
      return buf.copy(state.current.data);
    },
    ngx_wasm_resp_get_body_chunk_eof() {
      if (!state.current) return Status.NOT_FOUND;
      return state.current.eof ? 1 : 0;
    },
    ngx_wasm_resp_set_body_chunk(data) {
      state.output = data;
      return Status.OK;
    },
  };
}
