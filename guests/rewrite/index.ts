// rewrite — a rewrite-phase guest: stamps every request with headers for the
// backend (`X-Guest: rewrite`, `X-Request-Start: <unix ms>`) and permanently
// redirects the old URL space `/old/...` to `/new/...` (query string kept).
// Anything else falls through to the location's normal content handler.
// Shows: Request.setHeader, Time, Response.redirect, fall-through.
//
// nginx:  location / { rewrite_by_wasm rewrite.wasm on_rewrite; proxy_pass http://backend; }
//   curl -i localhost:18080/old/a?x=1   → 301, Location: /new/a?x=1
import { handle, Request, Response, Time } from "ngxwasm";

const OLD_PREFIX = "/old/";
const NEW_PREFIX = "/new/";

function rewrite(): void {
  Request.setHeader("X-Guest", "rewrite");
  Request.setHeader("X-Request-Start", Time.unixMs().toString());

  const uri = Request.uri();
  if (uri.startsWith(OLD_PREFIX)) {
    const args = Request.args();
    const target = NEW_PREFIX + uri.substring(OLD_PREFIX.length) + (args.length > 0 ? "?" + args : "");
    Response.redirect(target, 301);
  }
  // Neither status nor body set: nginx goes on with the request.
}

export function on_rewrite(): i32 {
  return handle(rewrite);
}
