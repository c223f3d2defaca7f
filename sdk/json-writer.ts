// A streaming JSON writer straight to UTF-8 bytes: no intermediate strings, no
// UTF-16 round trip. Commas and colons are placed for you; the nesting is
// yours to keep balanced (as with JsonObject/JsonArray).

import { f64ToJson } from "./internal/json-number";

@lazy const HEX = "0123456789abcdef";

/**
 * Writes JSON text as UTF-8 bytes.
 *
 * ```ts
 * const w = new JsonWriter();
 * w.beginObject().key("id").int(7).key("tags").beginArray().str("a").str("b").endArray().endObject();
 * Response.setContentType("application/json");
 * Response.write(w.bytes());           // {"id":7,"tags":["a","b"]}
 * ```
 */
export class JsonWriter {
  private buf: ArrayBuffer;
  private cap: i32;
  private len: i32 = 0;
  // no comma before the first value of a container, nor after a key
  private first: bool = true;

  constructor(capacity: i32 = 256) {
    const cap = capacity > 16 ? capacity : 16;
    this.buf = new ArrayBuffer(cap);
    this.cap = cap;
  }

  /** Bytes written so far. */
  get length(): i32 {
    return this.len;
  }

  /** The JSON text written so far, as bytes (a view, not a copy: write no more while you use it). */
  bytes(): Uint8Array {
    return Uint8Array.wrap(this.buf, 0, this.len);
  }

  /** The JSON text written so far, as a string. */
  toString(): string {
    return String.UTF8.decodeUnsafe(changetype<usize>(this.buf), <usize>this.len);
  }

  /** Start again (keeps the capacity). */
  reset(): JsonWriter {
    this.len = 0;
    this.first = true;
    return this;
  }

  // -- structure ---------------------------------------------------------------

  /** `{` */
  beginObject(): JsonWriter {
    this.sep();
    this.byte(0x7b);
    this.first = true;
    return this;
  }

  /** `}` */
  endObject(): JsonWriter {
    this.byte(0x7d);
    this.first = false;
    return this;
  }

  /** `[` */
  beginArray(): JsonWriter {
    this.sep();
    this.byte(0x5b);
    this.first = true;
    return this;
  }

  /** `]` */
  endArray(): JsonWriter {
    this.byte(0x5d);
    this.first = false;
    return this;
  }

  /** A member name (escaped) and `:`; write its value next. */
  key(name: string): JsonWriter {
    this.sep();
    this.quoted(name);
    this.byte(0x3a);
    this.first = true;
    return this;
  }

  // -- values ------------------------------------------------------------------

  /** A string, escaped as `JSON.stringify` escapes it (`"`, `\`, control characters; a lone surrogate as `\uXXXX`). */
  str(s: string): JsonWriter {
    this.sep();
    this.quoted(s);
    return this;
  }

  /** A string, or `null` when `s` is null. */
  strOrNull(s: string | null): JsonWriter {
    if (s === null) return this.nul();
    return this.str(s);
  }

  /** An integer. */
  int(i: i64): JsonWriter {
    this.sep();
    this.digits(i);
    return this;
  }

  /** A number as `JSON.stringify` writes it (`1`, `0.5`, `1e+21`); NaN and ±Infinity as `null`. */
  num(f: f64): JsonWriter {
    this.sep();
    if (!isFinite(f)) {
      this.ascii("null");
    } else if (f == Math.trunc(f) && Math.abs(f) < 1e18) {
      this.digits(<i64>f);    // also -0 → 0, as JSON.stringify
    } else {
      this.ascii(f64ToJson(f));   // not f64.toString: not always the shortest round trip
    }
    return this;
  }

  /** `true` or `false`. */
  bool(b: bool): JsonWriter {
    this.sep();
    this.ascii(b ? "true" : "false");
    return this;
  }

  /** `null`. */
  nul(): JsonWriter {
    this.sep();
    this.ascii("null");
    return this;
  }

  /** Text that is already JSON, written as is (not checked). */
  raw(json: string): JsonWriter {
    this.sep();
    const n = String.UTF8.byteLength(json);
    this.reserve(n);
    String.UTF8.encodeUnsafe(changetype<usize>(json), json.length, changetype<usize>(this.buf) + <usize>this.len);
    this.len += n;
    return this;
  }

  /**
   * A value that writes itself: a `JsonValue`, or one of your classes with a
   * `writeJson(w: JsonWriter): void` method (see "Typed JSON" in sdk/README.md).
   */
  write<T>(value: T): JsonWriter {
    if (isNullable<T>()) {
      if (value === null) return this.nul();
    }
    if (!isDefined(value!.writeJson)) ERROR("JsonWriter.write<T>: T has no writeJson(w: JsonWriter): void method: add one that writes its fields (see sdk/README.md, \"Typed: your classes\")");
    // writeJson writes through this writer's own methods, which place the comma
    value!.writeJson(this);
    return this;
  }

  /** An array of values that write themselves (see `write`). */
  writeArray<T>(values: T[]): JsonWriter {
    this.beginArray();
    for (let i = 0, n = values.length; i < n; i++) this.write<T>(unchecked(values[i]));
    return this.endArray();
  }

  /** @internal A string already valid UTF-8 without anything to escape (a parsed span), quoted. */
  utf8String(p: usize, n: i32): void {
    this.sep();
    this.reserve(n + 2);
    const o = changetype<usize>(this.buf) + <usize>this.len;
    store<u8>(o, 0x22);
    memory.copy(o + 1, p, <usize>n);
    store<u8>(o + 1 + <usize>n, 0x22);
    this.len += n + 2;
  }

  // -- bytes -------------------------------------------------------------------

  @inline
  private sep(): void {
    if (this.first) this.first = false;
    else this.byte(0x2c);
  }

  /** Room for `extra` more bytes (inline: the common case is that there is). */
  @inline
  private reserve(extra: i32): void {
    if (this.len + extra > this.cap) this.grow(this.len + extra);
  }

  private grow(need: i32): void {
    let grown = this.cap << 1;
    while (grown < need) grown <<= 1;
    const bigger = new ArrayBuffer(grown);
    memory.copy(changetype<usize>(bigger), changetype<usize>(this.buf), <usize>this.len);
    this.buf = bigger;
    this.cap = grown;
  }

  @inline
  private byte(b: u8): void {
    this.reserve(1);
    store<u8>(changetype<usize>(this.buf) + <usize>this.len, b);
    this.len++;
  }

  /** An ASCII string, byte per character. */
  private ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const o = changetype<usize>(this.buf) + <usize>this.len;
    const p = changetype<usize>(s);
    for (let i = 0; i < n; i++) store<u8>(o + <usize>i, load<u8>(p + (<usize>i << 1)));
    this.len += n;
  }

  private digits(i: i64): void {
    this.reserve(20);
    let o = changetype<usize>(this.buf) + <usize>this.len;
    // u64 magnitude: -i64.MIN_VALUE does not fit i64
    let u: u64 = i < 0 ? <u64>0 - <u64>i : <u64>i;
    if (i < 0) {
      store<u8>(o, 0x2d);
      o++;
      this.len++;
    }
    let n = 1;
    for (let t = u; t >= 10; t /= 10) n++;
    for (let k = n - 1; k >= 0; k--) {
      store<u8>(o + <usize>k, <u8>(0x30 + <u32>(u % 10)));
      u /= 10;
    }
    this.len += n;
  }

  /** `s` quoted and escaped, encoded as UTF-8. */
  private quoted(s: string): void {
    const n = s.length;
    // worst case: every UTF-16 unit as \uXXXX (6 bytes), plus the quotes
    this.reserve(n * 6 + 2);
    let o = changetype<usize>(this.buf) + <usize>this.len;
    const start = o;
    store<u8>(o++, 0x22);
    const p = changetype<usize>(s);
    for (let i = 0; i < n; i++) {
      const c = <u32>load<u16>(p + (<usize>i << 1));
      if (c < 0x80) {
        if (c >= 0x20 && c != 0x22 && c != 0x5c) {
          store<u8>(o++, <u8>c);
          continue;
        }
        store<u8>(o++, 0x5c);
        if (c == 0x22 || c == 0x5c) store<u8>(o++, <u8>c);
        else if (c == 0x0a) store<u8>(o++, 0x6e);
        else if (c == 0x0d) store<u8>(o++, 0x72);
        else if (c == 0x09) store<u8>(o++, 0x74);
        else if (c == 0x08) store<u8>(o++, 0x62);
        else if (c == 0x0c) store<u8>(o++, 0x66);
        else o = unicodeEscape(o, c);
      } else if (c < 0x800) {
        store<u8>(o++, <u8>(0xc0 | (c >> 6)));
        store<u8>(o++, <u8>(0x80 | (c & 0x3f)));
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const lo = i + 1 < n ? <u32>load<u16>(p + (<usize>(i + 1) << 1)) : 0;
        if (c <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          store<u8>(o++, <u8>(0xf0 | (cp >> 18)));
          store<u8>(o++, <u8>(0x80 | ((cp >> 12) & 0x3f)));
          store<u8>(o++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
          store<u8>(o++, <u8>(0x80 | (cp & 0x3f)));
          i++;
        } else {
          store<u8>(o++, 0x5c);
          o = unicodeEscape(o, c);   // a lone surrogate, as well-formed JSON.stringify
        }
      } else {
        store<u8>(o++, <u8>(0xe0 | (c >> 12)));
        store<u8>(o++, <u8>(0x80 | ((c >> 6) & 0x3f)));
        store<u8>(o++, <u8>(0x80 | (c & 0x3f)));
      }
    }
    store<u8>(o++, 0x22);
    this.len += <i32>(o - start);
  }
}

/** `uXXXX` (after the backslash) at `o`; returns the position after it. */
function unicodeEscape(o: usize, c: u32): usize {
  store<u8>(o, 0x75);
  store<u8>(o, <u8>HEX.charCodeAt((c >> 12) & 15), 1);
  store<u8>(o, <u8>HEX.charCodeAt((c >> 8) & 15), 2);
  store<u8>(o, <u8>HEX.charCodeAt((c >> 4) & 15), 3);
  store<u8>(o, <u8>HEX.charCodeAt(c & 15), 4);
  return o + 5;
}
