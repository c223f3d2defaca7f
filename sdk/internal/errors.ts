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
  return name !== null ? what + "(\"" + name + "\")" : what + "()";
}

/**
 * Abort when a host call returned ERROR; returns the status otherwise.
 * `what` is the SDK call ("SharedDict.add"), `name` its key/name argument if any.
 */
export function check(status: i32, what: string, name: string | null = null, hint: string = "the host returned ERROR"): i32 {
  if (status == Status.ERROR) fail(callName(what, name), hint);
  return status;
}
