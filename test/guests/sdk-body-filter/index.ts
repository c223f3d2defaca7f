// SDK test guest: body filter — read/replace chunks, last-chunk flag, chunk state in globals.
import { BodyChunk } from "../../../sdk";

let seen = 0;

export function on_body(): i32 {
  seen++;
  let out = "<" + seen.toString() + ":" + BodyChunk.text().toUpperCase();
  if (BodyChunk.isLast()) out += ":last";
  BodyChunk.replace(out + ">");
  return 0;
}

export function on_body_bytes(): i32 {
  const bytes = BodyChunk.read();
  BodyChunk.replace(String.UTF8.encode(bytes.byteLength.toString() + ";"));
  return 0;
}

export function on_body_passthrough(): i32 {
  BodyChunk.text();
  return 0;
}

/** Only reads each chunk (as bytes) and passes it through: its memory must not grow with the response. */
export function on_body_read(): i32 {
  BodyChunk.read();
  return 0;
}

export function on_body_drop(): i32 {
  BodyChunk.replace("");
  return 0;
}
