// SDK test guest: variables — get (incl. a value longer than the scratch buffer), set, unknown, read-only,
// and the null/"" rule: unknown or without a value → null, set to empty → "".
import { handle, Response, Variables } from "../../../sdk";

function orNull(s: string | null): string {
  return s !== null ? "\"" + s + "\"" : "null";
}

export function on_content(): i32 {
  return handle((): void => {
    Response.say("v=" + orNull(Variables.get("v")));
    Response.say("missing=" + orNull(Variables.get("no_such_variable")));
    Response.say("empty=" + orNull(Variables.get("e")));
    Response.say("arg-absent=" + orNull(Variables.get("arg_token")));
    Response.say("arg-empty=" + orNull(Variables.get("arg_empty")));
    Response.say("header-absent=" + orNull(Variables.get("http_x_absent")));
    Response.say("header-empty=" + orNull(Variables.get("http_x_empty")));
    const long = Variables.get("long");
    Response.say("long=" + (long !== null ? long.length.toString() : "null"));
    Response.say("long-ok=" + (long !== null && long == "v".repeat(6000) ? "yes" : "no"));
    Response.say("set-v=" + (Variables.set("v", "changed ✓") ? "true" : "false"));
    Response.say("v-after=" + orNull(Variables.get("v")));
    Response.say("set-unknown=" + (Variables.set("no_such_variable", "x") ? "true" : "false"));
  });
}

export function on_set_readonly(): i32 {
  return handle((): void => {
    Variables.set("remote_addr", "10.0.0.1");
    Response.say("not reached");
  });
}
