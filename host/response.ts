// The response a guest produces (rewrite/access/content) or alters (header
// filter): status, headers with case-insensitive names, and the body set by
// resp_write.

import { Status } from "../host-abi/tables.js";
import type { RunContext } from "./context.js";
import type { HostFunctions } from "./imports.js";
import { text } from "./memory.js";

export class ResponseState {
  /** 0 until set */
  status: number;
  /** lower-case name → value */
  readonly headers = new Map<string, string>();
  /** set by resp_write (undefined: never written) */
  body?: Uint8Array;
  /** set by the guest in this run (decides fall-through in the rewrite phases) */
  statusSetByGuest = false;
  /** body filter and log run after the header went out: header changes fail */
  readonly headersSent: boolean;

  constructor(status: number, headers: Record<string, string>, headersSent: boolean) {
    this.status = status;
    for (const [n, v] of Object.entries(headers)) this.headers.set(n.toLowerCase(), v);
    this.headersSent = headersSent;
  }

  headerRecord(): Record<string, string> {
    return Object.fromEntries(this.headers);
  }
}

type ResponseFunctions = Pick<
  HostFunctions,
  "ngx_wasm_resp_set_status" | "ngx_wasm_resp_get_status" | "ngx_wasm_resp_set_header" | "ngx_wasm_resp_get_header" | "ngx_wasm_resp_write"
>;

export function responseFunctions(ctx: RunContext): ResponseFunctions {
  const resp = ctx.response;
  const encoder = new TextEncoder();
  return {
    ngx_wasm_resp_set_status(status) {
      if (status < 100 || status > 999) return Status.ERROR;
      resp.status = status;
      resp.statusSetByGuest = true;
      return Status.OK;
    },
    ngx_wasm_resp_get_status() {
      return resp.status;
    },
    ngx_wasm_resp_set_header(nameBytes, valueBytes) {
      if (resp.headersSent) return Status.ERROR;
      const name = text(nameBytes);
      const value = text(valueBytes);
      if (value === "") resp.headers.delete(name.toLowerCase());
      else resp.headers.set(name.toLowerCase(), value);
      return Status.OK;
    },
    ngx_wasm_resp_get_header(name, buf) {
      const value = resp.headers.get(text(name).toLowerCase());
      if (value === undefined) return Status.NOT_FOUND;
      return buf.copy(encoder.encode(value));
    },
    ngx_wasm_resp_write(data) {
      resp.body = data;
      return Status.OK;
    },
  };
}
