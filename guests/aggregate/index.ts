// aggregate — an API gateway handler: calls two internal locations one after
// the other with subrequests and merges their answers into one JSON document.
// Shows: the re-invocation model (Stage in a global, Subrequest.fetch then
// return), passing a header to the subrequest, reading status and body.
//
// nginx:  location /aggregate { content_by_wasm aggregate.wasm on_content; }
//         location /internal/user   { internal; proxy_pass http://users; }
//         location /internal/orders { internal; proxy_pass http://orders; }
//   curl 'localhost:18080/aggregate?id=7'
//   → {"id":"7","user":{"status":200,"body":…},"orders":{"status":200,"body":…}}
import { handle, JsonObject, Method, percentEncode, Request, Response, Stage, Subrequest } from "../../sdk";

const stage = new Stage();
// Results kept across invocations (globals survive for this request).
let id = "";
let user = "";

/** `{"status":…,"body":…}` for the finished subrequest; the body is embedded as a JSON string. */
function result(): string {
  return new JsonObject().int("status", Subrequest.status()).str("body", Subrequest.bodyText()).toString();
}

function aggregate(): void {
  if (stage.is(0)) {
    const q = Request.query("id");
    if (q === null || q.length == 0) {
      Response.exit(400, "missing ?id=\n");
      return;
    }
    id = q;
    Subrequest.setHeader("Accept", "application/json");
    Subrequest.fetch("/internal/user", "id=" + percentEncode(id), Method.GET, true);
    stage.next();
    return; // nginx runs the subrequest, then calls on_content again
  }
  if (stage.is(1)) {
    user = result();
    Subrequest.fetch("/internal/orders", "user=" + percentEncode(id), Method.GET, true);
    stage.next();
    return;
  }
  const out = new JsonObject().str("id", id).raw("user", user).raw("orders", result());
  Response.json(out.toString());
  Response.print("\n");
}

export function on_content(): i32 {
  return handle(aggregate);
}
