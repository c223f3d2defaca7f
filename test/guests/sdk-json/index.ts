// SDK test guest: JSON. `?op=` chooses what it does with the request body;
// malformed input is answered 400 with the SDK's error, never a trap.
//
//   roundtrip       parse the body bytes, answer the tree stringified
//   roundtrip-text  the same through the string path (Request.bodyText, Json.parse)
//   roundtrip-view  the same from a Uint8Array view 3 bytes into a larger buffer (offsets stay the text's)
//   roundtrip-gc    parse, run a full garbage collection (incremental runtime; a no-op on the stub), stringify
//   describe        one line per value: path, kind and what each accessor returns
//   typed           decode the body into User (readJson), answer it encoded (writeJson)
//   typed-array     decode the body into Item[], answer them encoded
//   mutate          parse an array [obj, obj, array, obj], change each element, answer it stringified
//   build           build a tree and a JsonWriter document in code, answer both, one per line
//   deep&n=N        parse N nested arrays made in the guest; answer ok/error
//   deep-build&n=N  build N nested arrays with JsonValue and stringify them; answer the length
import { handle, Json, JsonReader, JsonValue, JsonWriter, Request, Response } from "../../../sdk";

class Address {
  city: string = "";
  zip: string | null = null;

  readJson(r: JsonReader): void {
    this.city = r.string("city");
    this.zip = r.stringOrNull("zip");
  }

  writeJson(w: JsonWriter): void {
    w.beginObject().key("city").str(this.city).key("zip").strOrNull(this.zip).endObject();
  }
}

class User {
  id: i32 = 0;
  name: string = "";
  admin: bool = false;
  score: f64 = 0;
  big: i64 = 0;
  tags: string[] = [];
  address: Address = new Address();
  nick: string = "";

  readJson(r: JsonReader): void {
    this.id = r.i32("id");
    this.name = r.string("name");
    this.admin = r.optBool("admin");
    this.score = r.optF64("score", -1);
    this.big = r.optI64("big");
    this.tags = r.strings("tags");
    this.address = r.object<Address>("address");
    this.nick = r.optString("nick", "(none)");
    if (this.id < 0) r.invalid("id", "must not be negative");
  }

  writeJson(w: JsonWriter): void {
    w.beginObject()
      .key("id").int(this.id)
      .key("name").str(this.name)
      .key("admin").bool(this.admin)
      .key("score").num(this.score)
      .key("big").int(this.big)
      .key("tags").beginArray();
    for (let i = 0; i < this.tags.length; i++) w.str(this.tags[i]);
    w.endArray().key("address").write(this.address).key("nick").str(this.nick).endObject();
  }
}

class Item {
  id: i64 = 0;
  value: f64 = 0;

  readJson(r: JsonReader): void {
    this.id = r.i64("id");
    this.value = r.f64("value");
  }

  writeJson(w: JsonWriter): void {
    w.beginObject().key("id").int(this.id).key("value").num(this.value).endObject();
  }
}

function body(): ArrayBuffer {
  const b = Request.body();
  return b !== null ? b : new ArrayBuffer(0);
}

/** `b` as a view into a larger buffer, between "x]}" and "{[\"": bytes the parser must not read. */
function view(b: ArrayBuffer): Uint8Array {
  const n = b.byteLength;
  const whole = new Uint8Array(n + 6);
  whole.set([0x78, 0x5d, 0x7d], 0);
  whole.set(Uint8Array.wrap(b), 3);
  whole.set([0x7b, 0x5b, 0x22], n + 3);
  return whole.subarray(3, n + 3);
}

function bodyText(): string {
  const t = Request.bodyText();
  return t !== null ? t : "";
}

function query(name: string): string {
  const q = Request.query(name);
  return q !== null ? q : "";
}

/** f64 as JSON writes it (JavaScript's formatting). */
function num(f: f64): string {
  return new JsonWriter().num(f).toString();
}

function bad(error: string): void {
  Response.exit(400, error + "\n");
}

/** `path=kind …` for v and everything under it (recursive: test documents are shallow). */
function describe(v: JsonValue, path: string, out: string[]): void {
  let line = path + "=";
  if (v.isNull()) line += "null";
  else if (v.isBool()) line += "bool " + (v.asBool() ? "true" : "false");
  else if (v.isNumber()) {
    line += "number f64=" + num(v.asF64())
      + " sign=" + (Math.sign(v.asF64()) < 0 || 1 / v.asF64() < 0 ? "-" : "+")
      + " integer=" + (v.isInteger() ? "yes" : "no")
      + " i64=" + v.asI64(-7).toString()
      + " i32=" + v.asI32(-7).toString();
  } else if (v.isString()) line += "string " + Json.quote(v.asString()) + " len=" + v.asString().length.toString();
  else if (v.isArray()) line += "array " + v.length.toString();
  else if (v.isObject()) line += "object " + v.length.toString() + " keys=" + v.keyList().join(",");
  else line += "missing";
  // accessors of other kinds give their fallbacks
  line += " asBool=" + (v.asBool(true) ? "true" : "false") + " asString=" + Json.quote(v.asString("fb"));
  out.push(line);
  if (v.isArray()) {
    for (let i = 0; i < v.length; i++) describe(v.index(i), path + "[" + i.toString() + "]", out);
  } else if (v.isObject()) {
    for (let i = 0; i < v.length; i++) describe(v.valueAt(i), path + "." + v.keyAt(i), out);
  }
}

function run(): void {
  const op = query("op");
  if (op == "roundtrip" || op == "roundtrip-text" || op == "roundtrip-gc" || op == "roundtrip-view") {
    const r = op == "roundtrip-text" ? Json.parse(bodyText()) : op == "roundtrip-view" ? Json.parseBytes(view(body())) : Json.parseBytes(body());
    if (!r.ok) return bad(r.error + " (offset " + r.offset.toString() + ")");
    if (op == "roundtrip-gc") {
      // garbage that a collection frees, then the collection: the tree must survive it whole
      for (let i = 0; i < 1000; i++) Json.parse("[" + i.toString() + ",{\"x\":\"y\"}]");
      __collect();
    }
    Response.json(Json.stringify(r.value));
  } else if (op == "describe") {
    const r = Json.parseBytes(body());
    if (!r.ok) return bad(r.error);
    const out = new Array<string>();
    describe(r.value, "$", out);
    const v = r.value;
    // chains through absent members, wrong kinds and bad indexes never trap
    out.push("chain=" + v.get("nope").index(3).get("x").asString("fallback") + " " + v.index(-1).asI32(42).toString()
      + " " + num(v.get("a").get("b").asF64(1.5)) + " " + (v.get("nope").isMissing() ? "missing" : "present")
      + " has(a)=" + (v.has("a") ? "yes" : "no") + " keyAt(99)=" + Json.quote(v.keyAt(99)) + " valueAt(99)=" + (v.valueAt(99).exists() ? "yes" : "no"));
    Response.say(out.join("\n"));
  } else if (op == "typed") {
    const r = Json.decodeBytes<User>(body());
    if (!r.ok) return bad(r.error);
    Response.json(Json.encode(r.value));
  } else if (op == "typed-array") {
    const r = Json.decodeArray<Item>(bodyText());
    if (!r.ok) return bad(r.error);
    Response.json(Json.encodeArray(r.value));
  } else if (op == "mutate") {
    const r = Json.parseBytes(body());
    if (!r.ok) return bad(r.error);
    const v = r.value;
    v.index(0).set("added", JsonValue.int(1));              // objects of one shape share their keys: copy on change
    v.index(1).set("a", JsonValue.str("replaced")).set("b", JsonValue.array().push(JsonValue.num(0.5)));
    v.index(2).push(JsonValue.nul()).push(JsonValue.str("more"));
    const big = v.index(3);
    big.set("k19", JsonValue.bool(true)).set("new", JsonValue.object().set("x", JsonValue.int(-1)));
    v.push(JsonValue.str(big.get("k7").asString() + "," + big.get("new").get("x").asI32().toString() + "," + big.get("nope").exists().toString()));
    Response.json(Json.stringify(v));
  } else if (op == "build") {
    const doc = JsonValue.object()
      .set("s", JsonValue.str("quote\" backslash\\ nl\n tab\t ctl\u0001 del\u007f é 😀 lone" + String.fromCharCode(0xd800) + "!"))
      .set("i", JsonValue.int(i64.MIN_VALUE))
      .set("f", JsonValue.num(0.1))
      .set("big", JsonValue.num(1e21))
      .set("small", JsonValue.num(1.5e-7))
      .set("whole", JsonValue.num(123456789012345680000.0))
      .set("nan", JsonValue.num(NaN))
      .set("inf", JsonValue.num(-Infinity))
      .set("negzero", JsonValue.num(-0.0))
      .set("list", JsonValue.array().push(JsonValue.bool(true)).push(JsonValue.nul()).push(JsonValue.array()).push(JsonValue.object()))
      .set("s", JsonValue.str("replaced, order kept"))
      .set("tail", JsonValue.bool(false));
    // set/push on the wrong kind do nothing
    JsonValue.str("x").set("k", JsonValue.nul()).push(JsonValue.nul());
    const w = new JsonWriter(16);
    w.beginObject().key("k\"ey").beginArray().int(0).int(-1).int(i64.MAX_VALUE).num(2.5).str("").endArray()
      .key("v").write(doc.get("list")).key("raw").raw("{\"pre\":\"made\"}").key("none").strOrNull(null).endObject();
    Response.say(doc.toString() + "\n" + w.toString() + "\n" + w.length.toString());
  } else if (op == "deep" || op == "deep-build") {
    const n = I32.parseInt(query("n"));
    if (op == "deep") {
      const text = "[".repeat(n) + "]".repeat(n);
      const r = Json.parse(text);
      Response.say(r.ok ? "ok " + Json.stringify(r.value).length.toString() : r.error);
    } else {
      let v = JsonValue.array();
      for (let i = 1; i < n; i++) v = JsonValue.array().push(v);
      Response.say("length " + v.toString().length.toString());
    }
  } else {
    Response.exit(404, "unknown op\n");
  }
}

export function on_content(): i32 {
  return handle(run);
}
