// SDK test guest: shared dict — every operation, results of conditional writes,
// incr semantics, TTLs, byte values and a value longer than the scratch buffer.
import { handle, Response, SharedDict } from "../../../sdk";

function orNull(s: string | null): string {
  return s !== null ? "\"" + s + "\"" : "null";
}

function yesNo(b: bool): string {
  return b ? "true" : "false";
}

export function on_content(): i32 {
  return handle((): void => {
    Response.say("set=" + yesNo(SharedDict.set("k", "v1")));
    Response.say("get=" + orNull(SharedDict.get("k")));
    Response.say("exists=" + yesNo(SharedDict.exists("k")));
    Response.say("add-existing=" + yesNo(SharedDict.add("k", "v2")));
    Response.say("add-new=" + yesNo(SharedDict.add("fresh", "f")));
    Response.say("replace-missing=" + yesNo(SharedDict.replace("nope", "x")));
    Response.say("replace-existing=" + yesNo(SharedDict.replace("k", "v3")));
    Response.say("get-after-replace=" + orNull(SharedDict.get("k")));
    SharedDict.delete("k");
    SharedDict.delete("never-there");
    Response.say("exists-after-delete=" + yesNo(SharedDict.exists("k")));
    Response.say("get-missing=" + orNull(SharedDict.get("k")));
    Response.say("incr-new=" + SharedDict.incr("counter").toString());
    Response.say("incr-again=" + SharedDict.incr("counter", 5).toString());
    Response.say("incr-init=" + SharedDict.incr("from10", 1, 10).toString());
    SharedDict.set("minus3", "-3");
    Response.say("incr-to-minus-2=" + SharedDict.incr("minus3").toString());
    const bytes = new Uint8Array(4);
    bytes[0] = 0; bytes[1] = 0xff; bytes[2] = 0x80; bytes[3] = 7;
    SharedDict.set("bin", bytes);
    const back = SharedDict.getBytes("bin");
    let hex = "";
    if (back !== null) {
      const view = Uint8Array.wrap(back);
      for (let i = 0; i < view.length; i++) hex += view[i].toString(16) + ".";
    }
    Response.say("bytes=" + hex);
    Response.say("setex=" + yesNo(SharedDict.setEx("ttl", "short", 1000)));
    SharedDict.set("long", "s".repeat(5000));
    const long = SharedDict.get("long");
    Response.say("long=" + (long !== null ? long.length.toString() : "null"));
    Response.say("host-set=" + orNull(SharedDict.get("from-host")));
  });
}

export function on_read_ttl(): i32 {
  return handle((): void => {
    Response.say("ttl=" + orNull(SharedDict.get("ttl")));
  });
}

export function on_incr_text(): i32 {
  return handle((): void => {
    SharedDict.set("text", "abc");
    SharedDict.incr("text");
  });
}

export function on_key_too_long(): i32 {
  return handle((): void => {
    SharedDict.set("k".repeat(300), "v");
  });
}
