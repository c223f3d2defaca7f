// The dynamic JSON value tree: what `Json.parse` returns and `Json.stringify`
// writes. Accessors never trap: a missing member, an index out of range or a
// value of another kind gives the fallback (or the MISSING value, which every
// accessor accepts), so `doc.get("a").index(2).get("b").asI32()` is safe.
//
// Parsed strings stay UTF-8 spans of the input until `asString()` decodes them:
// a handler that reads a few members of a large body decodes only those, and
// stringifying a parsed tree copies the unescaped spans byte for byte.
import { JsonWriter } from "./json-writer";

// Objects with this many members get a hash index (smaller ones are scanned: faster, and no Map).
export const INDEXED_MEMBERS: i32 = 16;

/** The kind of a `JsonValue`. `MISSING` is what accessors return for an absent member or element. */
export enum JsonKind {
  MISSING = 0,
  NULL = 1,
  BOOL = 2,
  NUMBER = 3,
  STRING = 4,
  ARRAY = 5,
  OBJECT = 6,
}

/** One JSON value: null, a boolean, a number, a string, an array or an object (members in document order). */
export class JsonValue {
  /** What this value is. */
  kind: JsonKind;
  /** Byte offset of the value in the parsed text (-1 for a value built by code). */
  offset: i32 = -1;

  // Kept small: a parsed document is mostly these nodes. Strings and
  // containers are subclasses (JsonString, JsonContainer) with their own
  // fields; a number, boolean or null is this class alone.
  // bool: `flag`. number: `bits` is the i64 when `exact` (the text was an
  // integer that fits; `flag` marks -0), else the f64's bits.
  /** @internal */ flag: bool = false;
  /** @internal */ exact: bool = false;
  /** @internal */ bits: u64 = 0;

  constructor(kind: JsonKind) {
    this.kind = kind;
  }

  // -- building --------------------------------------------------------------

  /** `null`. */
  static nul(): JsonValue {
    return new JsonValue(JsonKind.NULL);
  }

  /** `true` or `false`. */
  static bool(b: bool): JsonValue {
    const v = new JsonValue(JsonKind.BOOL);
    v.flag = b;
    return v;
  }

  /** An integer, kept exact (`asI64()` returns it unchanged). */
  static int(i: i64): JsonValue {
    const v = new JsonValue(JsonKind.NUMBER);
    v.bits = <u64>i;
    v.exact = true;
    return v;
  }

  /** A number (a non-finite one is written as `null`, as `JSON.stringify` does). */
  static num(f: f64): JsonValue {
    const v = new JsonValue(JsonKind.NUMBER);
    v.bits = reinterpret<u64>(f);
    return v;
  }

  /** A string. */
  static str(s: string): JsonValue {
    const v = new JsonString();
    v.str = s;
    return v;
  }

  /** An empty array; add elements with `push`. */
  static array(): JsonValue {
    return new JsonContainer(JsonKind.ARRAY);
  }

  /** An empty object; add members with `set`. */
  static object(): JsonValue {
    return new JsonContainer(JsonKind.OBJECT);
  }

  /** Append to an array; does nothing on another kind. Returns `this`, for chaining. */
  push(value: JsonValue): JsonValue {
    if (this.kind == JsonKind.ARRAY) {
      const c = changetype<JsonContainer>(this);
      const n = c.len;
      c.reserve(n + 1);
      unchecked(c.items![n] = value);
      c.len = n + 1;
    }
    return this;
  }

  /** Set a member of an object (replaces an existing one, else appends); does nothing on another kind. Returns `this`. */
  set(key: string, value: JsonValue): JsonValue {
    if (this.kind == JsonKind.OBJECT) changetype<JsonContainer>(this).put(key, value);
    return this;
  }

  // -- kinds -----------------------------------------------------------------

  /** Whether this is the value accessors return for an absent member/element (JavaScript's `undefined`). */
  isMissing(): bool { return this.kind == JsonKind.MISSING; }
  /** Whether this value is present (not MISSING). */
  exists(): bool { return this.kind != JsonKind.MISSING; }
  isNull(): bool { return this.kind == JsonKind.NULL; }
  isBool(): bool { return this.kind == JsonKind.BOOL; }
  isNumber(): bool { return this.kind == JsonKind.NUMBER; }
  isString(): bool { return this.kind == JsonKind.STRING; }
  isArray(): bool { return this.kind == JsonKind.ARRAY; }
  isObject(): bool { return this.kind == JsonKind.OBJECT; }

  /** Whether this is a number that is an integer within i64 (`1`, `-3`, `2.0`, `1e3`; not `1.5`, not `1e19`). */
  isInteger(): bool {
    if (this.kind != JsonKind.NUMBER) return false;
    return this.exact || fitsI64(reinterpret<f64>(this.bits));
  }

  // -- scalars ---------------------------------------------------------------

  /** The boolean, or `fallback` when this is not a boolean. */
  asBool(fallback: bool = false): bool {
    return this.kind == JsonKind.BOOL ? this.flag : fallback;
  }

  /** The number as f64, or `fallback` when this is not a number. */
  asF64(fallback: f64 = 0): f64 {
    if (this.kind != JsonKind.NUMBER) return fallback;
    if (this.exact) return this.flag ? -0.0 : <f64><i64>this.bits;
    return reinterpret<f64>(this.bits);
  }

  /**
   * The number as i64: exact for integers written in the text (up to ±2^63),
   * also for integral f64 values in range (`2.0`, `1e3`); `fallback` for a
   * fraction, a number out of range or another kind.
   */
  asI64(fallback: i64 = 0): i64 {
    if (this.kind != JsonKind.NUMBER) return fallback;
    if (this.exact) return <i64>this.bits;
    const f = reinterpret<f64>(this.bits);
    return fitsI64(f) ? <i64>f : fallback;
  }

  /** The number as i32 when it is an integer within i32, else `fallback`. */
  asI32(fallback: i32 = 0): i32 {
    if (!this.isInteger()) return fallback;
    const i = this.asI64();
    return i >= <i64>i32.MIN_VALUE && i <= <i64>i32.MAX_VALUE ? <i32>i : fallback;
  }

  /** The string, or `fallback` when this is not a string. Decodes a parsed string (once). */
  asString(fallback: string = ""): string {
    if (this.kind != JsonKind.STRING) return fallback;
    const v = changetype<JsonString>(this);
    let s = v.str;
    if (changetype<usize>(s) == 0) {   // not `=== null`: on strings that compares characters
      s = decodeSpan(v.src!, v.spanStart, v.spanLen, v.escaped);
      v.str = s;
    }
    return s;
  }

  // -- containers ------------------------------------------------------------

  /** Number of elements (array) or members (object); 0 for other kinds. */
  get length(): i32 {
    return this.kind >= JsonKind.ARRAY ? changetype<JsonContainer>(this).len : 0;
  }

  /** The member `key` of an object, or MISSING. (A key repeated in the text keeps its last value, as `JSON.parse`.) */
  get(key: string): JsonValue {
    if (this.kind != JsonKind.OBJECT) return missing();
    const c = changetype<JsonContainer>(this);
    const i = c.find(key);
    return i >= 0 ? unchecked(c.items![i]) : missing();
  }

  /** Whether an object has the member `key`. */
  has(key: string): bool {
    return this.kind == JsonKind.OBJECT && changetype<JsonContainer>(this).find(key) >= 0;
  }

  /** Element `i` of an array (from 0), or MISSING. */
  index(i: i32): JsonValue {
    if (this.kind != JsonKind.ARRAY) return missing();
    const c = changetype<JsonContainer>(this);
    return i >= 0 && i < c.len ? unchecked(c.items![i]) : missing();
  }

  /** The key of member `i` of an object (document order), or `""`. */
  keyAt(i: i32): string {
    if (this.kind != JsonKind.OBJECT) return "";
    const c = changetype<JsonContainer>(this);
    return i >= 0 && i < c.len ? unchecked(c.keys![i]) : "";
  }

  /** The value of member `i` of an object, or element `i` of an array, or MISSING. */
  valueAt(i: i32): JsonValue {
    if (this.kind < JsonKind.ARRAY) return missing();
    const c = changetype<JsonContainer>(this);
    return i >= 0 && i < c.len ? unchecked(c.items![i]) : missing();
  }

  /** The keys of an object in document order (a copy); empty for other kinds. */
  keyList(): string[] {
    const n = this.kind == JsonKind.OBJECT ? changetype<JsonContainer>(this).len : 0;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) unchecked(out[i] = unchecked(changetype<JsonContainer>(this).keys![i]));
    return out;
  }

  /** This value as JSON text (`Json.stringify(value)`). */
  toString(): string {
    const w = new JsonWriter();
    this.writeJson(w);
    return w.toString();
  }

  /**
   * Write this value with `w` (`w.write(value)` calls this). Iterative, not
   * recursive: a tree of any depth is written without growing the call stack.
   */
  writeJson(w: JsonWriter): void {
    // Open containers and the index of their next child.
    const stack = new Array<JsonContainer>();
    const next = new Array<i32>();
    let v: JsonValue = this;
    while (true) {
      // write v, or open it
      switch (v.kind) {
        case JsonKind.OBJECT: {
          w.beginObject();
          stack.push(changetype<JsonContainer>(v));
          next.push(0);
          break;
        }
        case JsonKind.ARRAY: {
          w.beginArray();
          stack.push(changetype<JsonContainer>(v));
          next.push(0);
          break;
        }
        case JsonKind.STRING: {
          const t = changetype<JsonString>(v);
          const s = t.str;
          if (changetype<usize>(s) != 0) w.str(changetype<string>(s));
          else if (!t.escaped) w.utf8String(changetype<usize>(t.src!) + <usize>t.spanStart, t.spanLen);
          else w.str(t.asString());
          break;
        }
        case JsonKind.NUMBER: {
          if (v.exact) w.int(<i64>v.bits);
          else w.num(reinterpret<f64>(v.bits));
          break;
        }
        case JsonKind.BOOL: {
          w.bool(v.flag);
          break;
        }
        default: w.nul();   // NULL; MISSING is written as null, as JSON.stringify writes undefined in an array
      }
      // find the next child to write, closing finished containers
      while (true) {
        const depth = stack.length;
        if (depth == 0) return;
        const top = unchecked(stack[depth - 1]);
        const i = unchecked(next[depth - 1]);
        if (i < top.len) {
          unchecked(next[depth - 1] = i + 1);
          if (top.kind == JsonKind.OBJECT) w.key(unchecked(top.keys![i]));
          v = unchecked(top.items![i]);
          break;
        }
        if (top.kind == JsonKind.OBJECT) w.endObject();
        else w.endArray();
        stack.pop();
        next.pop();
      }
    }
  }

}

/** @internal A string: decoded (`str`), or a span of the parsed text, decoded on first read. */
export class JsonString extends JsonValue {
  src: ArrayBuffer | null = null;
  str: string | null = null;
  spanStart: i32 = 0;
  spanLen: i32 = 0;
  escaped: bool = false;

  constructor() {
    super(JsonKind.STRING);
  }
}

/** @internal An array or an object: `len` elements/members in `items` (and `keys`), which may have more room. */
export class JsonContainer extends JsonValue {
  len: i32 = 0;
  // `keys` is shared with other objects of the same shape: copy before changing
  sharedKeys: bool = false;
  items: StaticArray<JsonValue> | null = null;
  keys: StaticArray<string> | null = null;
  // key → member index, once an object has INDEXED_MEMBERS members
  keyIndex: Map<string, i32> | null = null;

  constructor(kind: JsonKind) {
    super(kind);
  }

  /** @internal Replace member `key`'s value, or append the member (an object only). */
  put(key: string, value: JsonValue): void {
    const i = this.find(key);
    if (i >= 0) {
      unchecked(this.items![i] = value);
      return;
    }
    const n = this.len;
    this.reserve(n + 1);
    unchecked(this.keys![n] = key);
    unchecked(this.items![n] = value);
    this.len = n + 1;
    let index = this.keyIndex;
    if (index !== null) index.set(key, n);
    else if (n + 1 == INDEXED_MEMBERS) this.keyIndex = indexKeys(this.keys!, n + 1);
  }

  /** @internal Room for `n` elements/members, and keys of this object's own. */
  reserve(n: i32): void {
    let items = this.items;
    const cap = items !== null ? items.length : 0;
    const object = this.kind == JsonKind.OBJECT;
    if (n <= cap && !(object && this.sharedKeys)) return;
    let grown = cap;
    if (n > cap) {
      grown = cap < 4 ? 4 : cap << 1;
      if (grown < n) grown = n;
    }
    const len = this.len;
    if (grown > cap) {
      const bigger = new StaticArray<JsonValue>(grown);
      for (let i = 0; i < len; i++) unchecked(bigger[i] = unchecked(items![i]));
      this.items = items = bigger;
    }
    if (object) {
      const keys = this.keys;
      const own = new StaticArray<string>(grown);
      for (let i = 0; i < len; i++) unchecked(own[i] = unchecked(keys![i]));
      this.keys = own;
      this.sharedKeys = false;
    }
  }

  /** @internal Index of the member named `key`, or -1. */
  find(key: string): i32 {
    const index = this.keyIndex;
    if (index !== null) return index.has(key) ? index.get(key) : -1;
    const keys = changetype<usize>(this.keys);
    for (let i = 0, n = this.len; i < n; i++) {
      if (sameKey(changetype<string>(load<usize>(keys + (<usize>i << alignof<usize>()))), key)) return i;
    }
    return -1;
  }
}

// Created on first use: a global with an initializer would cost every guest that imports the SDK.
let missingValue: JsonValue | null = null;

/** What `get`/`index` return for an absent member or element: kind MISSING, every accessor gives its fallback. */
export function missing(): JsonValue {
  let m = missingValue;
  if (m === null) missingValue = m = new JsonValue(JsonKind.MISSING);
  return m;
}

/** @internal Whether two keys are equal: the same string (keys are one string per document, see key()), else the same characters. */
@inline
export function sameKey(a: string, b: string): bool {
  if (changetype<usize>(a) == changetype<usize>(b)) return true;
  const n = load<u32>(changetype<usize>(a) - 4);   // the object header's rtSize: the length in bytes
  return n == load<u32>(changetype<usize>(b) - 4) && memory.compare(changetype<usize>(a), changetype<usize>(b), n) == 0;
}

/** @internal A hash index of the first `n` keys. */
export function indexKeys(keys: StaticArray<string>, n: i32): Map<string, i32> {
  const index = new Map<string, i32>();
  for (let j = 0; j < n; j++) index.set(unchecked(keys[j]), j);
  return index;
}

/** Whether `f` is integral and converts to i64 exactly (|f| < 2^63). */
function fitsI64(f: f64): bool {
  return f == Math.trunc(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0;
}

function hexDigit(c: u32): u32 {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x57;
}

/** Four hex digits at `p` (validated by the parser). */
function hex4(p: usize): u32 {
  return (hexDigit(load<u8>(p)) << 12) | (hexDigit(load<u8>(p, 1)) << 8) | (hexDigit(load<u8>(p, 2)) << 4) | hexDigit(load<u8>(p, 3));
}

/** A parsed string's span (UTF-8, escapes validated by the parser) as a string. */
function decodeSpan(src: ArrayBuffer, start: i32, len: i32, escaped: bool): string {
  const base = changetype<usize>(src) + <usize>start;
  if (!escaped) return String.UTF8.decodeUnsafe(base, <usize>len);
  // Unescape into a byte buffer (never longer than the span), then decode once.
  const out = new ArrayBuffer(len);
  const o = changetype<usize>(out);
  let n: usize = 0;
  let p = base;
  const end = base + <usize>len;
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c != 0x5c) {
      store<u8>(o + n++, <u8>c);
      p++;
      continue;
    }
    const e = <u32>load<u8>(p, 1);
    p += 2;
    let cp: u32 = 0;
    switch (e) {
      case 0x62: cp = 0x08; break;   // \b
      case 0x66: cp = 0x0c; break;   // \f
      case 0x6e: cp = 0x0a; break;   // \n
      case 0x72: cp = 0x0d; break;   // \r
      case 0x74: cp = 0x09; break;   // \t
      case 0x75: {                   // \uXXXX, a high surrogate followed by \uDC00–\uDFFF (checked by the parser)
        cp = hex4(p);
        p += 4;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4(p + 2) - 0xdc00);
          p += 6;
        }
        break;
      }
      default: cp = e;               // \" \\ \/
    }
    // UTF-8 of cp: the escape (≥ 2 bytes, 6 for \uXXXX, 12 for a pair) is never shorter
    if (cp < 0x80) store<u8>(o + n++, <u8>cp);
    else if (cp < 0x800) {
      store<u8>(o + n++, <u8>(0xc0 | (cp >> 6)));
      store<u8>(o + n++, <u8>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      store<u8>(o + n++, <u8>(0xe0 | (cp >> 12)));
      store<u8>(o + n++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
      store<u8>(o + n++, <u8>(0x80 | (cp & 0x3f)));
    } else {
      store<u8>(o + n++, <u8>(0xf0 | (cp >> 18)));
      store<u8>(o + n++, <u8>(0x80 | ((cp >> 12) & 0x3f)));
      store<u8>(o + n++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
      store<u8>(o + n++, <u8>(0x80 | (cp & 0x3f)));
    }
  }
  return String.UTF8.decodeUnsafe(o, n);
}
