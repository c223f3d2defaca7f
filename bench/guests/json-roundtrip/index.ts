// json-roundtrip — the JSON workload of `make bench`: build an array of 200
// objects {id, name, value}, encode it, decode it, sum `value`, answer the sum
// ("60300\n"), as the Lua (cjson) and njs (JSON) handlers of the bench do.
//
// With the SDK's JSON, as a user would write it: JsonWriter encodes straight
// to UTF-8 bytes, Json.parseBytes decodes them into a generic value tree (as
// cjson.decode and JSON.parse do: every member of every object, not a scanner
// that looks only for "value"), and the sum reads each object's "value".
//
// nginx:  location = /json { content_by_wasm json-roundtrip.wasm on_content; }
import { Json, JsonWriter, Response, handle } from "ngxwasm";

const N = 200;

function roundTrip(): void {
  const w = new JsonWriter();
  w.beginArray();
  for (let i = 1; i <= N; i++) {
    w.beginObject().key("id").int(i).key("name").str("item-" + i.toString()).key("value").int(i * 3).endObject();
  }
  w.endArray();
  const parsed = Json.parseBytes(w.bytes());
  if (!parsed.ok) {
    Response.exit(500, parsed.error + "\n");
    return;
  }
  const items = parsed.value;
  let sum: f64 = 0;
  for (let i = 0, n = items.length; i < n; i++) sum += items.index(i).get("value").asF64();
  Response.say((<i64>sum).toString());
}

export function on_content(): i32 {
  return handle(roundTrip);
}
