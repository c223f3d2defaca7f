// SDK test guest: variables — get (incl. a value longer than the scratch buffer), set, unknown, read-only.
import { handle, Response, Variables } from "../../../sdk";

function orNull(s: string | null): string {
  return s !== null ? "\"" + s + "\"" : "null";
}

export function on_content(): i32 {
  return handle((): void => {
    Response.say("v=" + orNull(Variables.get("v")));
    Response.say("missing=" + orNull(Variables.get("no_such_variable")));
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
