// aggregate — an API gateway handler: calls two internal locations one after
// the other with subrequests and merges their answers into one JSON document
// (a JSON answer as it is, anything else as a string).
// Shows: the re-invocation model (Stage in a global, Subrequest.fetch then
// return), passing a header to the subrequest, reading status and body.
//
// nginx:  location /aggregate { content_by_wasm aggregate.wasm on_content; }
//         location /internal/user   { internal; proxy_pass http://users; }
//         location /internal/orders { internal; proxy_pass http://orders; }
//   curl 'localhost:18080/aggregate?id=7'
//   → {"id":"7","user":{"status":200,"body":{…}},"orders":{"status":200,"body":{…}}}
import { handle, JsonObject, Method, percentEncode, Request, Response, Stage, Subrequest } from "ngxwasm";

const stage = new Stage();
// Results kept across invocations (globals survive for this request).
let id = "";
let user = "";

/**
 * `{"status":…,"body":…}` for the finished subrequest: a body that is one
 * JSON value is merged in as it is, anything else (an error page) embedded
 * as a JSON string.
 */
function result(): string {
  const body = Subrequest.bodyText();
  const out = new JsonObject().int("status", Subrequest.status());
  return (isJson(body) ? out.raw("body", body.trim()) : out.str("body", body)).toString();
}

// A JSON validator (RFC 8259 syntax), so that only well-formed JSON is merged raw.
let src = "";
let pos = 0;

function isJson(s: string): bool {
  src = s;
  pos = 0;
  ws();
  if (!value(0)) return false;
  ws();
  return pos == src.length;
}

function at(): i32 {
  return pos < src.length ? src.charCodeAt(pos) : -1;
}

function ws(): void {
  while (at() == 0x20 || at() == 0x09 || at() == 0x0a || at() == 0x0d) pos++;
}

function digits(): i32 {
  let n = 0;
  while (at() >= 0x30 && at() <= 0x39) {
    pos++;
    n++;
  }
  return n;
}

function isHex(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function str(): bool {
  pos++; // the opening quote
  while (pos < src.length) {
    const c = src.charCodeAt(pos++);
    if (c == 0x22) return true;
    if (c < 0x20) return false;
    if (c == 0x5c) {
      const e = at();
      pos++;
      if (e == 0x75) {
        for (let i = 0; i < 4; i++) {
          if (!isHex(at())) return false;
          pos++;
        }
      } else if (!(e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74)) {
        return false;
      }
    }
  }
  return false;
}

function num(): bool {
  if (at() == 0x2d) pos++;
  if (at() == 0x30) pos++;
  else if (digits() == 0) return false;
  if (at() == 0x2e) {
    pos++;
    if (digits() == 0) return false;
  }
  if (at() == 0x65 || at() == 0x45) {
    pos++;
    if (at() == 0x2b || at() == 0x2d) pos++;
    if (digits() == 0) return false;
  }
  return true;
}

function lit(word: string): bool {
  if (src.substr(pos, word.length) != word) return false;
  pos += word.length;
  return true;
}

function value(depth: i32): bool {
  const c = at();
  if (depth > 64 || c < 0) return false;
  if (c == 0x22) return str();
  if (c == 0x74) return lit("true");
  if (c == 0x66) return lit("false");
  if (c == 0x6e) return lit("null");
  if (c != 0x7b && c != 0x5b) return num();
  const close = c == 0x7b ? 0x7d : 0x5d;
  pos++;
  ws();
  if (at() == close) {
    pos++;
    return true;
  }
  while (true) {
    if (c == 0x7b) {
      if (at() != 0x22 || !str()) return false;
      ws();
      if (at() != 0x3a) return false;
      pos++;
      ws();
    }
    if (!value(depth + 1)) return false;
    ws();
    const d = at();
    pos++;
    if (d == close) return true;
    if (d != 0x2c) return false;
    ws();
  }
  return false;
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
