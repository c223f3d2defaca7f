// json-roundtrip — the JSON workload of `make bench`: build an array of 200
// objects {id, name, value}, encode it, decode it, sum `value`, answer the sum
// ("60300\n"), as the Lua (cjson) and njs (JSON) handlers of the bench do.
//
// Encoding uses the SDK's JsonObject/JsonArray. The SDK has no JSON parser
// (sdk/json.ts only writes), so decoding is the small parser below: what a
// user can write today — a generic recursive-descent parser into a value tree
// (objects keep their members in a Map), not a scanner that looks only for
// "value". Strings: the escapes JSON allows (\uXXXX without surrogate pairs);
// numbers: f64 via parseFloat of the number's text. A malformed document aborts.
//
// nginx:  location = /json { content_by_wasm json-roundtrip.wasm on_content; }
import { JsonArray, JsonObject, Response, handle } from "ngxwasm";

const N = 200;

const KIND_NULL = 0;
const KIND_BOOL = 1;
const KIND_NUM = 2;
const KIND_STR = 3;
const KIND_ARR = 4;
const KIND_OBJ = 5;

class JValue {
  kind: i32 = KIND_NULL;
  b: bool = false;
  n: f64 = 0;
  s: string = "";
  arr: JValue[] | null = null;
  obj: Map<string, JValue> | null = null;
}

class Parser {
  i: i32 = 0;
  constructor(private text: string) {}

  private fail(): void {
    throw new Error("json: malformed at " + this.i.toString());
  }

  private ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.i++;
    }
  }

  private expect(c: i32): void {
    if (this.i >= this.text.length || this.text.charCodeAt(this.i) != c) this.fail();
    this.i++;
  }

  private literal(word: string): void {
    if (this.text.substr(this.i, word.length) != word) this.fail();
    this.i += word.length;
  }

  value(): JValue {
    this.ws();
    if (this.i >= this.text.length) this.fail();
    const c = this.text.charCodeAt(this.i);
    const v = new JValue();
    if (c == 0x7b) {             // {
      this.i++;
      const m = new Map<string, JValue>();
      this.ws();
      if (this.text.charCodeAt(this.i) == 0x7d) { this.i++; }
      else {
        while (true) {
          this.ws();
          const k = this.string();
          this.ws();
          this.expect(0x3a);     // :
          m.set(k, this.value());
          this.ws();
          if (this.text.charCodeAt(this.i) == 0x2c) { this.i++; continue; }
          this.expect(0x7d);
          break;
        }
      }
      v.kind = KIND_OBJ; v.obj = m;
    } else if (c == 0x5b) {      // [
      this.i++;
      const a = new Array<JValue>();
      this.ws();
      if (this.text.charCodeAt(this.i) == 0x5d) { this.i++; }
      else {
        while (true) {
          a.push(this.value());
          this.ws();
          if (this.text.charCodeAt(this.i) == 0x2c) { this.i++; continue; }
          this.expect(0x5d);
          break;
        }
      }
      v.kind = KIND_ARR; v.arr = a;
    } else if (c == 0x22) {      // "
      v.kind = KIND_STR; v.s = this.string();
    } else if (c == 0x74) { this.literal("true"); v.kind = KIND_BOOL; v.b = true; }
    else if (c == 0x66) { this.literal("false"); v.kind = KIND_BOOL; }
    else if (c == 0x6e) { this.literal("null"); }
    else {
      const from = this.i;
      const t = this.text;
      while (this.i < t.length) {
        const d = t.charCodeAt(this.i);
        if ((d >= 0x30 && d <= 0x39) || d == 0x2d || d == 0x2b || d == 0x2e || d == 0x65 || d == 0x45) this.i++;
        else break;
      }
      if (this.i == from) this.fail();
      v.kind = KIND_NUM; v.n = parseFloat(t.substring(from, this.i));
    }
    return v;
  }

  private string(): string {
    this.expect(0x22);
    const t = this.text;
    let out = "";
    let from = this.i;
    while (true) {
      if (this.i >= t.length) this.fail();
      const c = t.charCodeAt(this.i);
      if (c == 0x22) break;
      if (c != 0x5c) { this.i++; continue; }
      out += t.substring(from, this.i);
      const e = t.charCodeAt(this.i + 1);
      this.i += 2;
      if (e == 0x6e) out += "\n";
      else if (e == 0x74) out += "\t";
      else if (e == 0x72) out += "\r";
      else if (e == 0x62) out += "\b";
      else if (e == 0x66) out += "\f";
      else if (e == 0x75) { out += String.fromCharCode(I32.parseInt(t.substr(this.i, 4), 16)); this.i += 4; }
      else out += String.fromCharCode(e);   // \" \\ \/
      from = this.i;
    }
    out += t.substring(from, this.i);
    this.i++;
    return out;
  }
}

export function on_content(): i32 {
  return handle((): void => {
    const items = new JsonArray();
    for (let i = 1; i <= N; i++) {
      items.raw(new JsonObject().int("id", i).str("name", "item-" + i.toString()).int("value", i * 3).toString());
    }
    const doc = new Parser(items.toString()).value();
    let sum: f64 = 0;
    const arr = doc.arr!;
    for (let i = 0; i < arr.length; i++) {
      const o = arr[i].obj!;
      if (o.has("value")) sum += o.get("value").n;
    }
    Response.say((<i64>sum).toString());
  });
}
