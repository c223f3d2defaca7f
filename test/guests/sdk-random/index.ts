// SDK test guest: Math.random, seeded per request (sdk/runtime.ts ngxSeed).
// Answers the first draw of this request's generator, full precision.
import { handle, Response } from "../../../sdk";

export function on_content(): i32 {
  return handle((): void => {
    Response.print(Math.random().toString());
  });
}
