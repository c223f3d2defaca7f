// SDK test guest: time — wall clock and monotonic milliseconds.
import { handle, Response, Time } from "../../../sdk";

export function on_content(): i32 {
  return handle((): void => {
    Response.say("unix=" + Time.unixMs().toString());
    Response.say("mono=" + Time.monotonicMs().toString());
    Response.say("seconds=" + Time.unixSeconds().toString());
  });
}
