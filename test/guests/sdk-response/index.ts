// SDK test guest: response — status, headers, body accumulation, exit, redirect, JSON.
import { handle, Json, JsonArray, JsonObject, Response } from "../../../sdk";

export function on_content(): i32 {
  return handle((): void => {
    Response.setStatus(201);
    Response.setHeader("X-R", "1");
    Response.setContentType("text/html; charset=utf-8");
    Response.print("a");
    Response.say("b");
    const bytes = new Uint8Array(2);
    bytes[0] = 0x63; // c
    bytes[1] = 0x64; // d
    Response.write(bytes);
    Response.write(String.UTF8.encode("é"));
    Response.say("");
    Response.say("status=" + Response.status().toString());
    const r = Response.header("x-r");
    Response.say("x-r=" + (r !== null ? r : "null"));
    Response.say("length=" + Response.bodyLength().toString());
  });
}

export function on_big(): i32 {
  return handle((): void => {
    for (let i = 0; i < 10000; i++) Response.say("line " + i.toString());
  });
}

// UTF-8 of every width, across the body buffer's first growth (256 bytes), in
// strings encoded in one pass (up to 1024 UTF-16 units) and measured first (longer)
export function on_text(): i32 {
  return handle((): void => {
    Response.print("a".repeat(255));
    Response.say("é€😀");
    Response.print("\uD800");            // an unpaired surrogate: WTF-8, 3 bytes
    Response.say("€".repeat(1024));       // 3,072 bytes from 1,024 units
    Response.say("😀".repeat(600));       // 1,200 units: measured, 2,400 bytes
    Response.say("");
  });
}

export function on_exit(): i32 {
  return handle((): void => {
    Response.say("dropped");
    Response.exit(403, "forbidden\n");
    Response.say("ignored after exit");
    Response.setStatus(200); // ignored after exit
  });
}

export function on_exit_keep_body(): i32 {
  return handle((): void => {
    Response.say("kept");
    Response.exit(404);
    Response.say("ignored");
  });
}

export function on_redirect(): i32 {
  return handle((): void => {
    Response.redirect("/new/place?x=1", 301);
  });
}

export function on_redirect_default(): i32 {
  return handle((): void => {
    Response.redirect("https://example.test/");
  });
}

export function on_fallthrough(): i32 {
  return handle((): void => {
    Response.setHeader("X-Seen", "1");
  });
}

export function on_json(): i32 {
  return handle((): void => {
    const list = new JsonArray().str("x").int(-7).bool(false).raw("null");
    const o = new JsonObject()
      .str("quote", "a\"b\\c")
      .str("control", "line1\nline2\ttab\r\u0001\u001f")
      .str("unicode", "é ✓ 😀")
      .strOrNull("absent", null)
      .int("big", 9007199254740991)
      .num("pi", 3.5)
      .num("nan", NaN)
      .bool("yes", true)
      .nul("nothing")
      .raw("list", list.toString());
    Response.json(o.toString());
    Response.say("");
    Response.print(Json.quote(""));
  });
}

export function on_clear(): i32 {
  return handle((): void => {
    Response.say("first");
    Response.clearBody();
    Response.print("second");
  });
}

// No `handle`: the body must be flushed by hand.
export function on_manual_flush(): i32 {
  Response.print("manual");
  Response.flush();
  return 0;
}

export function on_header(): i32 {
  return handle((): void => {
    Response.setStatus(299);
    Response.setHeader("X-Filtered", "1");
    Response.removeHeader("X-Upstream");
  });
}
