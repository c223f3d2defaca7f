// How the SDK reports a host call that failed with ERROR (-2): a programming or
// configuration error, so it aborts the invocation with one clear error-log line
// naming the SDK call and what to check (the request then gets a 500). Outcomes
// a correct program must expect (absent values, `add` on an existing key, …) are
// return values (`null`, `false`), never aborts. See sdk/README.md, "Errors".
import { Status } from "../raw";

/** Abort the invocation: logs `ngxwasm: <what>: <detail>` at ERR, then traps. */
export function fail(what: string, detail: string): void {
  abort("ngxwasm: " + what + ": " + detail, null, 0, 0);
}

/** `Request.header("X-A")` from `"Request.header"` and `"X-A"` (built only when failing). */
export function callName(what: string, name: string | null): string {
  return name !== null ? what + "(\"" + printable(name) + "\")" : what + "()";
}

/** `name` with control characters shown as `\xNN`: a hostile name cannot forge error-log lines. */
function printable(name: string): string {
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c == 0x7f) out += "\\x" + (c < 16 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out;
}

/** Why a header setter returned ERROR: the rules of host-abi/abi.json "headers". */
@lazy export const HEADER_REFUSED = "the host refused the header: a name must be an HTTP token (letters, digits, !#$%&'*+-.^_`|~) and a value must not contain CR, LF or NUL";

/**
 * Abort when a host call returned ERROR; returns the status otherwise.
 * `what` is the SDK call ("SharedDict.add"), `name` its key/name argument if any.
 */
export function check(status: i32, what: string, name: string | null = null, hint: string = "the host returned ERROR"): i32 {
  if (status == Status.ERROR) fail(callName(what, name), hint);
  return status;
}
