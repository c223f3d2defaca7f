// The JSON parser behind Json.parse/parseBytes: RFC 8259 over UTF-8 bytes, into
// a JsonValue tree. Iterative (an explicit stack of open containers), so a deep
// document hits MAX_DEPTH and gets an error, never a call-stack overflow trap.
// Every malformed input ends in `error` (what was expected, the byte offset),
// never in a trap.
import { INDEXED_MEMBERS, JsonContainer, JsonKind, JsonString, JsonValue, indexKeys, sameKey } from "../json-value";
import { decimalToF64 } from "./json-number";

/** Deepest nesting of arrays and objects a document may have (cjson's default is 1000, V8's is bounded by its stack). */
export const MAX_DEPTH: i32 = 512;

// key cache: parsed keys repeat (an array of records), so one string per distinct key
const KEY_CACHE_SIZE: i32 = 64;
// objects of up to this many members find the last keys array of their size to share
const SHAPES: i32 = 16;
// first size of the scratch stacks (they double)
const SCRATCH: i32 = 64;

export class JsonParser {
  /** The message of the first error (`JSON: expected ':' at byte 12`), or null. */
  error: string | null = null;
  /** Its byte offset from the start of the text, or -1. */
  errorOffset: i32 = -1;
  // whether `error` is set: a bool test (on a string, `!== null` is a call comparing characters)
  private failed: bool = false;

  private src: ArrayBuffer;
  private base: usize;    // address of the text's first byte
  private p: usize;       // current position
  private end: usize;
  private keyCache: StaticArray<string | null> = new StaticArray<string | null>(KEY_CACHE_SIZE);
  // the last keys array made for objects of n members (n < SHAPES; slot 0: larger ones)
  private shapes: StaticArray<StaticArray<string> | null> = new StaticArray<StaticArray<string> | null>(SHAPES);

  /** Parse `len` bytes of `src` from `offset`. */
  constructor(src: ArrayBuffer, offset: i32, len: i32) {
    this.src = src;
    this.base = changetype<usize>(src) + <usize>offset;
    this.p = this.base;
    this.end = this.base + <usize>len;
  }

  // Open containers (the stack, MAX_DEPTH deep) and where each one's
  // children start on the scratch stacks `values` and `keys`: the children of
  // all open containers, pushed as they complete; a container gets an array
  // of exactly its size when it closes. An outer member's key is pushed
  // before its value, so keys run ahead of values. StaticArrays read with
  // load() and written through setRef(): at -Oz the optimizer leaves
  // Array's accessors as calls, the hottest part of the parser.
  private stack: StaticArray<JsonContainer> = new StaticArray<JsonContainer>(MAX_DEPTH);
  private starts: StaticArray<i32> = new StaticArray<i32>(MAX_DEPTH);
  private keyStarts: StaticArray<i32> = new StaticArray<i32>(MAX_DEPTH);
  private depth: i32 = 0;
  private values: StaticArray<JsonValue> = new StaticArray<JsonValue>(SCRATCH);
  private nValues: i32 = 0;
  private capValues: i32 = SCRATCH;
  private keys: StaticArray<string> = new StaticArray<string>(SCRATCH);
  private nKeys: i32 = 0;
  private capKeys: i32 = SCRATCH;

  /** The document's value, or null with `error` set. */
  parse(): JsonValue | null {
    let result: JsonValue | null = null;
    this.skipWs();
    // a value starts here (after a '[', ',' or ':')
    while (true) {
      if (this.p >= this.end) return this.fail("expected a value");
      const c = <u32>load<u8>(this.p);
      let v: JsonValue;
      let opened = false;
      if (c == 0x7b || c == 0x5b) {          // { [
        if (this.depth >= MAX_DEPTH) return this.fail("nesting deeper than " + MAX_DEPTH.toString() + " arrays and objects");
        const container = new JsonContainer(c == 0x7b ? JsonKind.OBJECT : JsonKind.ARRAY);
        container.offset = this.pos();
        v = container;
        this.p++;
        this.skipWs();
        const close: u32 = c == 0x7b ? 0x7d : 0x5d;
        if (this.p < this.end && <u32>load<u8>(this.p) == close) this.p++;
        else {
          const d = this.depth;
          setRef<JsonContainer>(changetype<usize>(this.stack), d, container);
          store<i32>(changetype<usize>(this.starts) + (<usize>d << 2), this.nValues);
          store<i32>(changetype<usize>(this.keyStarts) + (<usize>d << 2), this.nKeys);
          this.depth = d + 1;
          opened = true;
          if (c == 0x7b && !this.member("expected a string key or '}'")) return null;
        }
      } else if (c == 0x22) {                // "
        v = this.stringValue();
        if (this.failed) return null;
      } else if (c == 0x2d || (c >= 0x30 && c <= 0x39)) {
        v = this.number();
        if (this.failed) return null;
      } else if (c == 0x74) {
        if (!this.literal("true")) return null;
        v = JsonValue.bool(true);
        v.offset = this.pos() - 4;
      } else if (c == 0x66) {
        if (!this.literal("false")) return null;
        v = JsonValue.bool(false);
        v.offset = this.pos() - 5;
      } else if (c == 0x6e) {
        if (!this.literal("null")) return null;
        v = JsonValue.nul();
        v.offset = this.pos() - 4;
      } else {
        return this.fail("expected a value");
      }
      if (opened) {
        this.skipWs();
        continue;                            // its first element or member value
      }
      // v is complete: add it to its container, then close what ends here
      while (true) {
        const depth = this.depth;
        if (depth == 0) {
          result = v;
          break;
        }
        const top = getRef<JsonContainer>(changetype<usize>(this.stack), depth - 1);
        this.pushValue(v);
        this.skipWs();
        const d: u32 = this.p < this.end ? <u32>load<u8>(this.p) : 0;
        if (top.kind == JsonKind.ARRAY) {
          if (d == 0x2c) { this.p++; break; }
          if (d != 0x5d) return this.fail("expected ',' or ']'");
        } else {
          if (d == 0x2c) {
            this.p++;
            this.skipWs();
            if (!this.member("expected a string key")) return null;
            break;
          }
          if (d != 0x7d) return this.fail("expected ',' or '}'");
        }
        this.p++;
        const from = load<i32>(changetype<usize>(this.starts) + (<usize>(depth - 1) << 2));
        if (top.kind == JsonKind.ARRAY) this.finishArray(top, from);
        else this.finishObject(top, from, load<i32>(changetype<usize>(this.keyStarts) + (<usize>(depth - 1) << 2)));
        this.depth = depth - 1;
        v = top;
      }
      if (changetype<usize>(result) != 0) break;
      this.skipWs();
    }
    this.skipWs();
    if (this.p < this.end) return this.fail("unexpected text after the JSON value");
    return result;
  }

  @inline
  private pushValue(v: JsonValue): void {
    const n = this.nValues;
    if (n == this.capValues) {
      this.values = grown<JsonValue>(this.values, n);
      this.capValues = n << 1;
    }
    setRef<JsonValue>(changetype<usize>(this.values), n, v);
    this.nValues = n + 1;
  }

  @inline
  private pushKey(k: string): void {
    const n = this.nKeys;
    if (n == this.capKeys) {
      this.keys = grown<string>(this.keys, n);
      this.capKeys = n << 1;
    }
    setRef<string>(changetype<usize>(this.keys), n, k);
    this.nKeys = n + 1;
  }

  /** Move an array's elements, values[from…], into it. */
  private finishArray(a: JsonContainer, from: i32): void {
    const n = this.nValues - from;
    a.items = copyOut<JsonValue>(this.values, from, n);
    a.len = n;
    this.nValues = from;
  }

  /**
   * Move an object's members, keys[keyFrom…] and values[from…], into it. A
   * repeated key keeps its first place and takes the last value (as
   * JSON.parse). Its keys array is shared with the previous object of the
   * same keys (an array of records has one).
   */
  private finishObject(o: JsonContainer, from: i32, keyFrom: i32): void {
    const n = this.nValues - from;
    const keys = changetype<usize>(this.keys);
    const values = changetype<usize>(this.values);
    let m = 0;
    let index: Map<string, i32> | null = null;
    for (let i = 0; i < n; i++) {
      const k = getRef<string>(keys, keyFrom + i);
      let j = -1;
      if (index !== null) {
        if (index.has(k)) j = index.get(k);
      } else {
        for (let q = 0; q < m; q++) {
          if (sameKey(getRef<string>(keys, keyFrom + q), k)) {
            j = q;
            break;
          }
        }
      }
      if (j >= 0) {
        setRef<JsonValue>(values, from + j, getRef<JsonValue>(values, from + i));
        continue;
      }
      if (m != i) {
        setRef<string>(keys, keyFrom + m, k);
        setRef<JsonValue>(values, from + m, getRef<JsonValue>(values, from + i));
      }
      m++;
      if (index !== null) index.set(k, m - 1);
      else if (m == INDEXED_MEMBERS) index = indexKeys(copyOut<string>(this.keys, keyFrom, m), m);
    }
    o.items = copyOut<JsonValue>(this.values, from, m);
    o.len = m;
    o.keys = this.shape(keyFrom, m);
    o.sharedKeys = true;
    o.keyIndex = index;
    this.nValues = from;
    this.nKeys = keyFrom;
  }

  /** keys[from, from + m) as an array: the last one made for m keys if it holds the same strings. */
  private shape(from: i32, m: i32): StaticArray<string> {
    const slot = m < SHAPES ? m : 0;
    const last = unchecked(this.shapes[slot]);
    const keys = changetype<usize>(this.keys) + (<usize>from << alignof<usize>());
    // keys of one document are one string each (see key()): compare the references
    if (last !== null && last.length == m && memory.compare(changetype<usize>(last), keys, <usize>m << alignof<usize>()) == 0) return last;
    const made = copyOut<string>(this.keys, from, m);
    unchecked(this.shapes[slot] = made);
    return made;
  }

  /** Offset of the current position from the start of the text. */
  @inline
  private pos(): i32 {
    return <i32>(this.p - this.base);
  }

  private fail(expected: string): JsonValue | null {
    if (!this.failed) {
      this.failed = true;
      const at = this.pos();
      this.errorOffset = at;
      this.error = "JSON: " + expected + " at byte " + at.toString() + (this.p >= this.end ? " (end of input)" : "");
    }
    return null;
  }

  /** Skip whitespace; the call only when there is some (the common case is none). */
  @inline
  private skipWs(): void {
    if (this.p < this.end && load<u8>(this.p) <= 0x20) this.ws();
  }

  private ws(): void {
    let p = this.p;
    const end = this.end;
    while (p < end) {
      const c = load<u8>(p);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      p++;
    }
    this.p = p;
  }

  private literal(word: string): bool {
    const n = word.length;
    for (let i = 0; i < n; i++) {
      if (this.p >= this.end || <u32>load<u8>(this.p) != <u32>word.charCodeAt(i)) {
        this.fail("expected '" + word + "'");
        return false;
      }
      this.p++;
    }
    return true;
  }

  /** `"key" :` of a member (at a '"'), pushed on `keys`; leaves the position at its value. */
  private member(expected: string): bool {
    if (this.p >= this.end || load<u8>(this.p) != 0x22) {
      this.fail(expected);
      return false;
    }
    const start = this.p + 1;
    const escaped = this.scanString();
    if (this.failed) return false;
    const len = <i32>(this.p - 1 - start);
    this.pushKey(this.key(start, len, escaped));
    this.skipWs();
    if (this.p >= this.end || load<u8>(this.p) != 0x3a) {
      this.fail("expected ':'");
      return false;
    }
    this.p++;
    this.skipWs();
    return true;
  }

  /** A key as a string: one string per distinct unescaped ASCII key of the document. */
  private key(start: usize, len: i32, escaped: bool): string {
    const offset = <i32>(start - changetype<usize>(this.src));
    if (escaped || len > 32) return this.decode(offset, len, escaped);
    let h: u32 = <u32>len;
    for (let i = 0; i < len; i++) {
      const b = <u32>load<u8>(start + <usize>i);
      if (b >= 0x80) return this.decode(offset, len, false);
      h = (h * 31) ^ b;
    }
    const slot = <i32>(h & <u32>(KEY_CACHE_SIZE - 1));
    const cached = unchecked(this.keyCache[slot]);
    // (a reference test: `!==` on strings compares their characters)
    if (changetype<usize>(cached) != 0 && sameAscii(changetype<string>(cached), start, len)) return changetype<string>(cached);
    const s = this.decode(offset, len, false);
    unchecked(this.keyCache[slot] = s);
    return s;
  }

  private decode(offset: i32, len: i32, escaped: bool): string {
    const v = new JsonString();
    v.src = this.src;
    v.spanStart = offset;
    v.spanLen = len;
    v.escaped = escaped;
    return v.asString();
  }

  /** A string value (at its '"'): a span of the text, decoded when read. */
  private stringValue(): JsonValue {
    const v = new JsonString();
    v.offset = this.pos();
    const start = this.p + 1;
    v.escaped = this.scanString();
    v.src = this.src;
    v.spanStart = <i32>(start - changetype<usize>(this.src));
    v.spanLen = <i32>(this.p - 1 - start);
    return v;
  }

  /**
   * Check a string from its opening '"' to past its closing '"': escapes,
   * control characters and UTF-8. Returns whether it holds escapes.
   */
  private scanString(): bool {
    let p = this.p + 1;
    const end = this.end;
    let escaped = false;
    while (true) {
      if (p >= end) {
        this.p = p;
        this.fail("expected '\"' to close the string");
        return escaped;
      }
      const c = <u32>load<u8>(p);
      if (c == 0x22) break;
      if (c >= 0x20 && c < 0x80 && c != 0x5c) {
        p++;
        continue;
      }
      if (c == 0x5c) {
        escaped = true;
        this.p = p;
        p = this.escape(p);
        if (p == 0) return escaped;
      } else if (c < 0x20) {
        this.p = p;
        this.fail("control character U+00" + String.fromCharCode(0x30 + (c >> 4)) + "0123456789ABCDEF".charAt(c & 15) + " in a string (escape it)");
        return escaped;
      } else {
        const n = utf8Length(p, end);
        if (n == 0) {
          this.p = p;
          this.fail("invalid UTF-8");
          return escaped;
        }
        p += n;
      }
    }
    this.p = p + 1;
    return escaped;
  }

  /** Check the escape at `p` (a backslash); returns the position after it, or 0 after an error. */
  private escape(p: usize): usize {
    const end = this.end;
    const e: u32 = p + 1 < end ? <u32>load<u8>(p + 1) : 0;
    if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) return p + 2;
    if (e != 0x75) {
      this.fail("invalid escape (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      return 0;
    }
    const cp = hex4At(p + 2, end);
    if (cp < 0) {
      this.fail("invalid \\u escape (expected 4 hex digits)");
      return 0;
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) {
      this.fail("invalid \\u escape: a low surrogate without a high surrogate before it");
      return 0;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const lo = p + 8 <= end && load<u8>(p + 6) == 0x5c && load<u8>(p + 7) == 0x75 ? hex4At(p + 8, end) : -1;
      if (lo < 0xdc00 || lo > 0xdfff) {
        this.fail("invalid \\u escape: a high surrogate not followed by a \\u low surrogate (\\uDC00-\\uDFFF)");
        return 0;
      }
      return p + 12;
    }
    return p + 6;
  }

  /** A number (at '-' or a digit): exact i64 when it is an integer that fits, else f64. */
  private number(): JsonValue {
    const v = new JsonValue(JsonKind.NUMBER);
    const start = this.p;
    v.offset = this.pos();
    let p = start;
    const end = this.end;
    const neg = load<u8>(p) == 0x2d;
    if (neg) p++;
    // integer part: 0 | [1-9][0-9]*
    if (p >= end || !isDigit(load<u8>(p))) {
      this.p = p;
      this.fail("expected a digit");
      return v;
    }
    let mant: u64 = 0;
    let digits = 0;      // significant digits taken into mant (at most 19)
    let dropped = 0;     // integer digits beyond those (each a factor of 10)
    if (load<u8>(p) == 0x30) {
      p++;
    } else {
      while (p < end && isDigit(load<u8>(p))) {
        if (digits < 19) {
          mant = mant * 10 + <u64>(load<u8>(p) - 0x30);
          digits++;
        } else dropped++;
        p++;
      }
    }
    let exp10: i32 = dropped;
    let integer = true;
    let inexact = dropped > 0;  // digits were left out of mant
    if (p < end && load<u8>(p) == 0x2e) {
      integer = false;
      p++;
      if (p >= end || !isDigit(load<u8>(p))) {
        this.p = p;
        this.fail("expected a digit after '.'");
        return v;
      }
      while (p < end && isDigit(load<u8>(p))) {
        if (digits < 19) {
          if (mant != 0 || load<u8>(p) != 0x30) digits++;
          mant = mant * 10 + <u64>(load<u8>(p) - 0x30);
          exp10--;
        } else if (load<u8>(p) != 0x30) inexact = true;
        p++;
      }
    }
    if (p < end && (load<u8>(p) | 0x20) == 0x65) {   // e E
      integer = false;
      p++;
      let eneg = false;
      if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) {
        eneg = load<u8>(p) == 0x2d;
        p++;
      }
      if (p >= end || !isDigit(load<u8>(p))) {
        this.p = p;
        this.fail("expected a digit in the exponent");
        return v;
      }
      let e: i32 = 0;
      while (p < end && isDigit(load<u8>(p))) {
        if (e < 100000) e = e * 10 + <i32>(load<u8>(p) - 0x30);
        p++;
      }
      exp10 += eneg ? -e : e;
    }
    this.p = p;
    if (integer && !inexact) {
      // exact i64: magnitude up to 2^63 (-2^63 only when negative)
      if (mant <= <u64>i64.MAX_VALUE || (neg && mant == <u64>1 << 63)) {
        v.exact = true;
        v.bits = neg ? <u64>0 - mant : mant;
        v.flag = neg && mant == 0;   // -0
        return v;
      }
    }
    let f: f64;
    if (!inexact && mant <= (<u64>1 << 53) && exp10 >= -22 && exp10 <= 22) {
      // Clinger: both exact in f64, so one correctly rounded operation
      f = exp10 < 0 ? <f64>mant / pow10(-exp10) : <f64>mant * pow10(exp10);
    } else {
      // the general case, on the number's text
      f = decimalToF64(start + (neg ? 1 : 0), p);
    }
    v.bits = reinterpret<u64>(neg ? -f : f);
    return v;
  }
}

/** 10^e for 0 ≤ e ≤ 22: the powers of ten an f64 holds exactly (Clinger's fast path). */
function pow10(e: i32): f64 {
  // static data inside the function: only guests that parse numbers carry it
  const table = memory.data<f64>([
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]);
  return load<f64>(table + (<usize>e << 3));
}

/** Reference `i` of a StaticArray at `arr` (no call, no bounds check). */
@inline
function getRef<T>(arr: usize, i: i32): T {
  return changetype<T>(load<usize>(arr + (<usize>i << alignof<usize>())));
}

/** Store reference `v` at `i` of the StaticArray at `arr`, telling a collecting runtime (__link). */
@inline
function setRef<T>(arr: usize, i: i32, v: T): void {
  store<usize>(arr + (<usize>i << alignof<usize>()), changetype<usize>(v));
  __link(arr, changetype<usize>(v), true);
}

/** A new StaticArray with arr[from, from + n). */
function copyOut<T>(arr: StaticArray<T>, from: i32, n: i32): StaticArray<T> {
  const out = new StaticArray<T>(n);
  const src = changetype<usize>(arr);
  const dst = changetype<usize>(out);
  for (let i = 0; i < n; i++) setRef<T>(dst, i, getRef<T>(src, from + i));
  return out;
}

/** `arr` (n used) in a StaticArray twice as large. */
function grown<T>(arr: StaticArray<T>, n: i32): StaticArray<T> {
  const out = new StaticArray<T>(n << 1);
  const src = changetype<usize>(arr);
  const dst = changetype<usize>(out);
  for (let i = 0; i < n; i++) setRef<T>(dst, i, getRef<T>(src, i));
  return out;
}


@inline
function isDigit(c: u8): bool {
  return <u32>(c - 0x30) < 10;
}

/** Four hex digits at `p` as a number, or -1. */
function hex4At(p: usize, end: usize): i32 {
  if (p + 4 > end) return -1;
  let v: i32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const c = <i32>load<u8>(p + i);
    let d: i32;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x57;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** Length of the well-formed UTF-8 sequence at `p` (a byte ≥ 0x80), or 0 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function utf8Length(p: usize, end: usize): usize {
  const b0 = <u32>load<u8>(p);
  const avail = end - p;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    return avail >= 2 && (<u32>load<u8>(p, 1) & 0xc0) == 0x80 ? 2 : 0;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (avail < 3) return 0;
    const b1 = <u32>load<u8>(p, 1);
    const b2 = <u32>load<u8>(p, 2);
    if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return 0;
    if (b0 == 0xe0 && b1 < 0xa0) return 0;   // overlong
    if (b0 == 0xed && b1 >= 0xa0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (avail < 4) return 0;
    const b1 = <u32>load<u8>(p, 1);
    if ((b1 & 0xc0) != 0x80 || (<u32>load<u8>(p, 2) & 0xc0) != 0x80 || (<u32>load<u8>(p, 3) & 0xc0) != 0x80) return 0;
    if (b0 == 0xf0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xf4 && b1 >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

/** Whether the ASCII bytes [p, p+len) spell `s`. */
function sameAscii(s: string, p: usize, len: i32): bool {
  if (load<u32>(changetype<usize>(s) - 4) != <u32>len << 1) return false;   // rtSize: the length in bytes
  const q = changetype<usize>(s);
  for (let i = 0; i < len; i++) {
    if (<u32>load<u16>(q + (<usize>i << 1)) != <u32>load<u8>(p + <usize>i)) return false;
  }
  return true;
}
