// echo — a JSON responder: describes the request it received (method, path,
// decoded query parameters, a few headers, the body) as a JSON object.
// Shows: Request getters, query parsing, JsonObject, Response.json.
//
// nginx:  location /echo { content_by_wasm echo.wasm on_content; }
//   curl 'localhost:18080/echo/x?a=1&tag=x&tag=y' -H 'X-Request-Id: 42'
//   → {"method":"GET","uri":"/echo/x","query":{"a":"1","tag":["x","y"]},"headers":{"x-request-id":"42",…},"body":null}
import { handle, JsonArray, JsonObject, Request, Response } from "ngxwasm";

/** Request headers worth echoing (lower-case, as they appear in the output). */
const ECHOED_HEADERS: string[] = ["host", "user-agent", "accept", "content-type", "x-request-id"];

/** Query parameters as an object; a name given several times maps to an array of its values. */
function queryObject(): JsonObject {
  const params = Request.queryParams();
  const out = new JsonObject();
  const done = new Set<string>();
  for (let i = 0; i < params.length; i++) {
    const name = params[i].name;
    if (done.has(name)) continue;
    done.add(name);
    const values = new JsonArray();
    let count = 0;
    for (let j = i; j < params.length; j++) {
      if (params[j].name == name) {
        values.str(params[j].value);
        count++;
      }
    }
    if (count == 1) out.str(name, params[i].value);
    else out.raw(name, values.toString());
  }
  return out;
}

function headersObject(): JsonObject {
  const out = new JsonObject();
  for (let i = 0; i < ECHOED_HEADERS.length; i++) {
    const value = Request.header(ECHOED_HEADERS[i]);
    if (value !== null) out.str(ECHOED_HEADERS[i], value);
  }
  return out;
}

function echo(): void {
  const response = new JsonObject()
    .str("method", Request.method())
    .str("uri", Request.uri())
    .str("args", Request.args())
    .raw("query", queryObject().toString())
    .raw("headers", headersObject().toString())
    .strOrNull("body", Request.bodyText())
    .str("remoteAddress", Request.remoteAddress());
  Response.json(response.toString());
}

export function on_content(): i32 {
  return handle(echo);
}
