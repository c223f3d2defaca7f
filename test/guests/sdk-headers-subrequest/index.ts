// SDK test guest: the header rules for subrequest headers (a separate guest
// because the nginx host does not implement subrequests yet, and a guest that
// imports them is refused there). ?n=…&v=… carry the header hex-encoded; the
// guest stages it, launches /sub, and answers the setter's return code.
import { handle, Response, Subrequest, Variables } from "../../../sdk";
import { ngx_wasm_subreq_set_header } from "../../../sdk/raw";

let rc: i32 = 0;
let launched = false;

function hexArg(arg: string): ArrayBuffer {
  const hex = Variables.get("arg_" + arg);
  const text = hex !== null ? hex : "";
  const out = new ArrayBuffer(text.length >> 1);
  for (let i = 0; i < out.byteLength; i++) {
    store<u8>(changetype<usize>(out) + i, <u8>I32.parseInt(text.substr(2 * i, 2), 16));
  }
  return out;
}

function stageAndFetch(): void {
  if (!launched) {
    launched = true;
    const n = hexArg("n");
    const v = hexArg("v");
    rc = ngx_wasm_subreq_set_header(<i32>changetype<usize>(n), n.byteLength, <i32>changetype<usize>(v), v.byteLength);
    Subrequest.fetch("/sub");
    return;
  }
  Response.say("rc=" + rc.toString());
}

export function on_subreq_raw(): i32 {
  return handle(stageAndFetch);
}
