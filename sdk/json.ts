// JSON: parse (text or UTF-8 bytes → a JsonValue tree, or a typed class through
// its readJson method), stringify (a tree, or a class through writeJson), and
// the small string builders JsonObject/JsonArray. Malformed input is a result
// (`ok == false`, `error` naming the byte offset), never a trap. Reference and
// the reasons for this design (our own, not json-as): sdk/README.md, "Json".
import { JsonParser, MAX_DEPTH as PARSER_MAX_DEPTH } from "./internal/json-parser";
import { JsonKind, JsonValue, missing } from "./json-value";
import { JsonWriter } from "./json-writer";

@lazy const HEX = "0123456789abcdef";

/** What `Json.parse` and `Json.decode` return: the value, or the first error. */
export class JsonResult<T> {
  constructor(
    /** Whether the text was well-formed (and, for `decode`, matched the class). */
    public ok: bool,
    /** The value; when `ok` is false, a default (MISSING, or a default-constructed T). */
    public value: T,
    /** `""`, or what went wrong: `JSON: expected ',' or '}' at byte 17`. */
    public error: string,
    /** Byte offset of the error in the text, or -1. */
    public offset: i32,
  ) {}
}

/**
 * Reads the members of one JSON object into a class, for its
 * `readJson(r: JsonReader): void`. A required member that is missing or of the
 * wrong type records an error naming its path and byte offset
 * (`JSON: $.user.id: expected an integer (i32) at byte 17`) and gives a
 * default; the first error is what `Json.decode` reports.
 */
export class JsonReader {
  /** @internal */
  constructor(
    /** The object being read (MISSING when the value was not an object). */
    public value: JsonValue,
    private path: string,
    private state: DecodeState,
  ) {}

  /** The member `key` as a dynamic value (MISSING when absent): for anything the typed getters do not cover. */
  get(key: string): JsonValue {
    return this.value.get(key);
  }

  /** Whether the object has the member `key`. */
  has(key: string): bool {
    return this.value.has(key);
  }

  /** Required string member. */
  string(key: string): string {
    const v = this.value.get(key);
    if (!v.isString()) this.wrong(key, v, "a string");
    return v.asString();
  }

  /** Optional string member: `fallback` when absent or null. */
  optString(key: string, fallback: string = ""): string {
    const v = this.value.get(key);
    if (v.isMissing() || v.isNull()) return fallback;
    if (!v.isString()) this.wrong(key, v, "a string");
    return v.asString(fallback);
  }

  /** String member that may be absent or null (→ null). */
  stringOrNull(key: string): string | null {
    const v = this.value.get(key);
    if (v.isMissing() || v.isNull()) return null;
    if (!v.isString()) this.wrong(key, v, "a string or null");
    return v.asString();
  }

  /** Required boolean member. */
  bool(key: string): bool {
    const v = this.value.get(key);
    if (!v.isBool()) this.wrong(key, v, "true or false");
    return v.asBool();
  }

  /** Optional boolean member. */
  optBool(key: string, fallback: bool = false): bool {
    const v = this.value.get(key);
    if (v.isMissing() || v.isNull()) return fallback;
    if (!v.isBool()) this.wrong(key, v, "true or false");
    return v.asBool(fallback);
  }

  /** Required integer member within i32. */
  i32(key: string): i32 {
    const v = this.value.get(key);
    if (!v.isInteger() || v.asI64() != <i64>v.asI32()) this.wrong(key, v, "an integer (i32)");
    return v.asI32();
  }

  /** Optional integer member within i32. */
  optI32(key: string, fallback: i32 = 0): i32 {
    const v = this.value.get(key);
    if (v.isMissing() || v.isNull()) return fallback;
    if (!v.isInteger() || v.asI64() != <i64>v.asI32()) this.wrong(key, v, "an integer (i32)");
    return v.asI32(fallback);
  }

  /** Required integer member within i64 (exact up to ±2^63). */
  i64(key: string): i64 {
    const v = this.value.get(key);
    if (!v.isInteger()) this.wrong(key, v, "an integer (i64)");
    return v.asI64();
  }

  /** Optional integer member within i64. */
  optI64(key: string, fallback: i64 = 0): i64 {
    const v = this.value.get(key);
    if (v.isMissing() || v.isNull()) return fallback;
    if (!v.isInteger()) this.wrong(key, v, "an integer (i64)");
    return v.asI64(fallback);
  }

  /** Required number member. */
  f64(key: string): f64 {
    const v = this.value.get(key);
    if (!v.isNumber()) this.wrong(key, v, "a number");
    return v.asF64();
  }

  /** Optional number member. */
  optF64(key: string, fallback: f64 = 0): f64 {
    const v = this.value.get(key);
    if (v.isMissing() || v.isNull()) return fallback;
    if (!v.isNumber()) this.wrong(key, v, "a number");
    return v.asF64(fallback);
  }

  /** Required array-of-strings member. */
  strings(key: string): string[] {
    const v = this.value.get(key);
    const out = new Array<string>();
    if (!v.isArray()) {
      this.wrong(key, v, "an array of strings");
      return out;
    }
    for (let i = 0, n = v.length; i < n; i++) {
      const e = v.index(i);
      if (!e.isString()) this.wrong(key + "[" + i.toString() + "]", e, "a string");
      out.push(e.asString());
    }
    return out;
  }

  /** Required object member, read into a `T` (a class with a `readJson(r: JsonReader): void` method). */
  object<T>(key: string): T {
    const v = this.value.get(key);
    if (!v.isObject()) this.wrong(key, v, "an object");
    return readInto<T>(v, this.path + "." + key, this.state);
  }

  /** Required array member whose elements are objects read into `T`s. */
  array<T>(key: string): T[] {
    const v = this.value.get(key);
    if (!v.isArray()) this.wrong(key, v, "an array");
    return readArray<T>(v, this.path + "." + key, this.state);
  }

  /** Record an error of your own (a range check, a format) for `key`: `JSON: $.age: must be ≥ 0 at byte 9`. */
  invalid(key: string, what: string): void {
    const v = this.value.get(key);
    this.state.record(this.path + "." + key + ": " + what, v.exists() ? v.offset : this.value.offset);
  }

  private wrong(key: string, v: JsonValue, expected: string): void {
    const where = this.path + "." + key;
    if (v.isMissing()) this.state.record(where + ": missing (expected " + expected + ")", this.value.offset);
    else this.state.record(where + ": expected " + expected + ", got " + kindName(v), v.offset);
  }
}

/** @internal The first error of a decode. */
class DecodeState {
  error: string | null = null;
  offset: i32 = -1;

  record(what: string, offset: i32): void {
    if (this.error !== null) return;
    this.offset = offset;
    this.error = "JSON: " + what + (offset >= 0 ? " at byte " + offset.toString() : "");
  }
}

function kindName(v: JsonValue): string {
  switch (v.kind) {
    case JsonKind.NULL: return "null";
    case JsonKind.BOOL: return "a boolean";
    case JsonKind.NUMBER: return "the number " + new JsonWriter().num(v.asF64()).toString();
    case JsonKind.STRING: return "a string";
    case JsonKind.ARRAY: return "an array";
    case JsonKind.OBJECT: return "an object";
  }
  return "nothing";
}

/** A `T` read from object `v` (an error is recorded by the caller when `v` is not one). */
function readInto<T>(v: JsonValue, path: string, state: DecodeState): T {
  if (!isReference<T>() || isNullable<T>()) ERROR("Json.decode<T>: T must be a (non-nullable) class with a readJson(r: JsonReader): void method");
  const t = instantiate<T>();
  if (!isDefined(t.readJson)) ERROR("Json.decode<T>: T has no readJson(r: JsonReader): void method: add one that reads its fields (see sdk/README.md, \"Typed: your classes\")");
  t.readJson(new JsonReader(v.isObject() ? v : missing(), path, state));
  return t;
}

function readArray<T>(v: JsonValue, path: string, state: DecodeState): T[] {
  const n = v.isArray() ? v.length : 0;
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) {
    const e = v.index(i);
    const at = path + "[" + i.toString() + "]";
    if (!e.isObject()) state.record(at + ": expected an object, got " + kindName(e), e.offset);
    unchecked(out[i] = readInto<T>(e, at, state));
  }
  return out;
}

function parseSpan(buf: ArrayBuffer, offset: i32, len: i32): JsonResult<JsonValue> {
  const parser = new JsonParser(buf, offset, len);
  const v = parser.parse();
  if (v === null) return new JsonResult<JsonValue>(false, missing(), parser.error!, parser.errorOffset);
  return new JsonResult<JsonValue>(true, v, "", -1);
}

function decodeParsed<T>(parsed: JsonResult<JsonValue>): JsonResult<T> {
  if (!parsed.ok) return new JsonResult<T>(false, instantiate<T>(), parsed.error, parsed.offset);
  return Json.decodeValue<T>(parsed.value);
}

/** JSON helpers. */
export namespace Json {
  /** Deepest nesting of arrays and objects `parse` accepts; deeper is an error, not a trap. */
  export const MAX_DEPTH: i32 = PARSER_MAX_DEPTH;

  /**
   * Parse JSON text into a value tree. Malformed text gives `ok == false` and
   * `error` (`JSON: expected ',' or '}' at byte 17`; bytes of the UTF-8 text,
   * from 0) — answer 400 with it.
   *
   * ```ts
   * const r = Json.parse(Request.bodyText()!);
   * if (!r.ok) { Response.exit(400, r.error + "\n"); return; }
   * const name = r.value.get("user").get("name").asString();
   * ```
   */
  export function parse(text: string): JsonResult<JsonValue> {
    const bytes = String.UTF8.encode(text);
    return parseSpan(bytes, 0, bytes.byteLength);
  }

  /**
   * Parse JSON from UTF-8 bytes (an `ArrayBuffer`, such as `Request.body()`,
   * or a `Uint8Array`), without a UTF-16 copy. `null` (no body) parses as
   * empty text: `JSON: expected a value at byte 0 (end of input)`.
   */
  export function parseBytes<T>(data: T): JsonResult<JsonValue> {
    if (isNullable<T>()) {
      if (data === null) return parseSpan(new ArrayBuffer(0), 0, 0);
    }
    if (data instanceof ArrayBuffer) {
      const buf = changetype<ArrayBuffer>(data);
      return parseSpan(buf, 0, buf.byteLength);
    }
    if (data instanceof Uint8Array) {
      const view = changetype<Uint8Array>(data);
      return parseSpan(view.buffer, view.byteOffset, view.byteLength);
    }
    ERROR("Json.parseBytes: expected an ArrayBuffer, a Uint8Array or null");
    return parseSpan(new ArrayBuffer(0), 0, 0);
  }

  /** A value tree as JSON text (same as `value.toString()`). */
  export function stringify(value: JsonValue): string {
    return value.toString();
  }

  /**
   * Parse JSON text into a `T`: a class with a `readJson(r: JsonReader): void`
   * method and a constructor without arguments. Errors (malformed text, a
   * missing or mistyped member) give `ok == false` and `error`.
   */
  export function decode<T>(text: string): JsonResult<T> {
    return decodeParsed<T>(parse(text));
  }

  /** `decode` from UTF-8 bytes: `Request.body()` (null: no body, an error as `parseBytes`); for a `Uint8Array`, `decodeValue<T>(Json.parseBytes(view).value)` after checking `ok`. */
  export function decodeBytes<T>(data: ArrayBuffer | null): JsonResult<T> {
    return decodeParsed<T>(parseBytes<ArrayBuffer | null>(data));
  }

  /** Read an already parsed object (a whole document, or a member of one) into a `T`; paths in errors start at `$` = `value`. */
  export function decodeValue<T>(value: JsonValue): JsonResult<T> {
    const state = new DecodeState();
    if (!value.isObject()) state.record("$: expected an object, got " + kindName(value), value.offset);
    const t = readInto<T>(value, "$", state);
    if (state.error !== null) return new JsonResult<T>(false, t, state.error!, state.offset);
    return new JsonResult<T>(true, t, "", -1);
  }

  /** Parse a JSON array of objects into `T`s (see `decode`). */
  export function decodeArray<T>(text: string): JsonResult<T[]> {
    const parsed = parse(text);
    if (!parsed.ok) return new JsonResult<T[]>(false, new Array<T>(), parsed.error, parsed.offset);
    const state = new DecodeState();
    const v = parsed.value;
    if (!v.isArray()) state.record("$: expected an array, got " + kindName(v), v.offset);
    const out = readArray<T>(v, "$", state);
    if (state.error !== null) return new JsonResult<T[]>(false, out, state.error!, state.offset);
    return new JsonResult<T[]>(true, out, "", -1);
  }

  /** A `T` as JSON text, through its `writeJson(w: JsonWriter): void` method. */
  export function encode<T>(value: T): string {
    return new JsonWriter().write<T>(value).toString();
  }

  /** An array of `T`s as JSON text. */
  export function encodeArray<T>(values: T[]): string {
    return new JsonWriter().writeArray<T>(values).toString();
  }

  /** `s` as a JSON string literal, quotes included: `a"b` → `"a\"b"`; control characters escaped. */
  export function quote(s: string): string {
    let out = "\"";
    let from = 0;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
      if (i > from) out += s.substring(from, i);
      from = i + 1;
      if (c == 0x22) out += "\\\"";
      else if (c == 0x5c) out += "\\\\";
      else if (c == 0x0a) out += "\\n";
      else if (c == 0x0d) out += "\\r";
      else if (c == 0x09) out += "\\t";
      else if (c == 0x08) out += "\\b";
      else if (c == 0x0c) out += "\\f";
      else out += "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    }
    if (from < n) out += s.substring(from);
    return out + "\"";
  }
}

/**
 * Builds a JSON object, member by member, in insertion order.
 *
 * ```ts
 * const o = new JsonObject().str("method", Request.method()).int("size", 3).bool("ok", true);
 * Response.json(o.toString());   // {"method":"GET","size":3,"ok":true}
 * ```
 */
export class JsonObject {
  private text: string = "";

  private key(name: string): void {
    if (this.text.length > 0) this.text += ",";
    this.text += Json.quote(name) + ":";
  }

  /** Add a string member (escaped). */
  str(name: string, value: string): JsonObject {
    this.key(name);
    this.text += Json.quote(value);
    return this;
  }

  /** Add a string member, or `null` when `value` is null. */
  strOrNull(name: string, value: string | null): JsonObject {
    if (value === null) return this.nul(name);
    return this.str(name, value);
  }

  /** Add an integer member. */
  int(name: string, value: i64): JsonObject {
    this.key(name);
    this.text += value.toString();
    return this;
  }

  /** Add a number member (non-finite numbers become `null`, as JSON.stringify does). */
  num(name: string, value: f64): JsonObject {
    this.key(name);
    this.text += new JsonWriter().num(value).toString();   // JavaScript's shortest form; non-finite → null
    return this;
  }

  /** Add a boolean member. */
  bool(name: string, value: bool): JsonObject {
    this.key(name);
    this.text += value ? "true" : "false";
    return this;
  }

  /** Add a `null` member. */
  nul(name: string): JsonObject {
    this.key(name);
    this.text += "null";
    return this;
  }

  /** Add a member whose value is already JSON (a nested `JsonObject`/`JsonArray`'s `toString()`). */
  raw(name: string, json: string): JsonObject {
    this.key(name);
    this.text += json;
    return this;
  }

  /** The object as JSON text. */
  toString(): string {
    return "{" + this.text + "}";
  }
}

/** Builds a JSON array, in insertion order. */
export class JsonArray {
  private text: string = "";

  private sep(): void {
    if (this.text.length > 0) this.text += ",";
  }

  /** Append a string (escaped). */
  str(value: string): JsonArray {
    this.sep();
    this.text += Json.quote(value);
    return this;
  }

  /** Append an integer. */
  int(value: i64): JsonArray {
    this.sep();
    this.text += value.toString();
    return this;
  }

  /** Append a boolean. */
  bool(value: bool): JsonArray {
    this.sep();
    this.text += value ? "true" : "false";
    return this;
  }

  /** Append a value that is already JSON. */
  raw(json: string): JsonArray {
    this.sep();
    this.text += json;
    return this;
  }

  /** The array as JSON text. */
  toString(): string {
    return "[" + this.text + "]";
  }
}
