// SDK test guest: request — headers (incl. values longer than the SDK's scratch
// buffer), body, request line, query parameters, header changes.
import { handle, Request, Response } from "../../../sdk";

function orNull(s: string | null): string {
  return s !== null ? "\"" + s + "\"" : "null";
}

export function on_content(): i32 {
  return handle((): void => {
    Response.say("x-a=" + orNull(Request.header("X-A")));
    Response.say("x-a-lower=" + orNull(Request.header("x-a")));
    Response.say("missing=" + orNull(Request.header("X-Missing")));
    const long = Request.header("X-Long");
    Response.say("x-long-length=" + (long !== null ? long.length.toString() : "null"));
    Response.say("x-long-ok=" + (long !== null && long == "L".repeat(4999) + "!" ? "yes" : "no"));
    Response.say("utf8=" + orNull(Request.header("X-Utf8")));
  });
}

export function on_body_read(): i32 {
  return handle((): void => {
    const bytes = Request.body();
    Response.say("bytes=" + (bytes !== null ? bytes.byteLength.toString() : "null"));
    Response.say("text=" + orNull(Request.bodyText()));
  });
}

export function on_line(): i32 {
  return handle((): void => {
    Response.say("method=" + Request.method());
    Response.say("uri=" + Request.uri());
    Response.say("request_uri=" + Request.requestUri());
    Response.say("args=" + Request.args());
    Response.say("a=" + orNull(Request.query("a")));
    Response.say("b=" + orNull(Request.query("b")));
    Response.say("e=" + orNull(Request.query("é")));
    Response.say("flag=" + orNull(Request.query("flag")));
    Response.say("missing=" + orNull(Request.query("missing")));
    Response.say("remote=" + Request.remoteAddress());
    Response.say("host=" + Request.host());
    Response.say("scheme=" + Request.scheme());
    const params = Request.queryParams();
    let all = "";
    for (let i = 0; i < params.length; i++) all += "[" + params[i].name + "|" + params[i].value + "]";
    Response.say("params=" + all);
  });
}

export function on_rewrite(): i32 {
  return handle((): void => {
    Request.setHeader("X-Added", "yes");
    Request.setHeader("X-Replaced", "new");
    Request.removeHeader("X-Removed");
  });
}
