// counter — counts hits per path in the shared dict (shared by all workers,
// surviving across requests) and answers with the running total as JSON.
// `DELETE` resets the path's counter.
// Shows: SharedDict.incr / delete, cross-request state, Response.json.
//
// nginx:  wasm_shm_zone guests 1m;
//         location /counter { content_by_wasm counter.wasm on_content; }
//   curl localhost:18080/counter/a  → {"path":"/counter/a","hits":1}, then 2, 3, …
import { handle, JsonObject, Request, Response, SharedDict } from "ngxwasm";

function count(): void {
  const path = Request.uri();
  const key = "hits:" + path;
  if (Request.method() == "DELETE") {
    SharedDict.delete(key);
    Response.json(new JsonObject().str("path", path).int("hits", 0).toString());
    return;
  }
  const hits = SharedDict.incr(key);
  Response.json(new JsonObject().str("path", path).int("hits", hits).toString());
}

export function on_content(): i32 {
  return handle(count);
}
