// SDK test guest: the header rules of host-abi/abi.json. The header's name and
// value arrive hex-encoded in the query (?n=…&v=…), so any byte (CR, LF, NUL)
// reaches the setters; the raw exports report the setter's return code, the SDK
// exports show what a handler using Response/Request.setHeader gets.
import { handle, Request, Response, Variables } from "../../../sdk";
import { ngx_wasm_req_set_header, ngx_wasm_resp_set_header } from "../../../sdk/raw";

function hexDigit(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55; // A-F
}

/** The bytes of query argument `arg`, hex-encoded by the test. */
function hexArg(arg: string): ArrayBuffer {
  const hex = Variables.get("arg_" + arg);
  const text = hex !== null ? hex : "";
  const out = new ArrayBuffer(text.length >> 1);
  for (let i = 0; i < out.byteLength; i++) {
    store<u8>(changetype<usize>(out) + i, (hexDigit(text.charCodeAt(2 * i)) << 4) | hexDigit(text.charCodeAt(2 * i + 1)));
  }
  return out;
}

function p(b: ArrayBuffer): i32 {
  return <i32>changetype<usize>(b);
}

/** content: ngx_wasm_resp_set_header(n, v); the body says its return code. */
export function on_resp_raw(): i32 {
  return handle((): void => {
    const n = hexArg("n");
    const v = hexArg("v");
    Response.say("rc=" + ngx_wasm_resp_set_header(p(n), n.byteLength, p(v), v.byteLength).toString());
  });
}

/** rewrite: ngx_wasm_req_set_header(n, v), its return code into `$rc`, then fall through (to proxy_pass). */
export function on_req_raw(): i32 {
  const n = hexArg("n");
  const v = hexArg("v");
  Variables.set("rc", ngx_wasm_req_set_header(p(n), n.byteLength, p(v), v.byteLength).toString());
  return 0;
}

/** content: Response.setHeader with the decoded strings (aborts when the host refuses). */
export function on_resp_sdk(): i32 {
  return handle((): void => {
    Response.setHeader(String.UTF8.decode(hexArg("n")), String.UTF8.decode(hexArg("v")));
    Response.say("set");
  });
}

/** rewrite: Request.setHeader with the decoded strings (aborts when the host refuses). */
export function on_req_sdk(): i32 {
  Request.setHeader(String.UTF8.decode(hexArg("n")), String.UTF8.decode(hexArg("v")));
  return 0;
}
