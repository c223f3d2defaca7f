// Byte-level text work on UTF-8 buffers: bodies arrive as UTF-8, and an
// AssemblyScript string is UTF-16, so going through `string` costs a decode, a
// copy and an encode per chunk. These work on the bytes, eight at a time where
// they can (one u64 load and store per eight bytes; wasm2c checks bounds per
// access, not per byte).

const LO7: u64 = 0x7f7f7f7f7f7f7f7f;
const HIGH: u64 = 0x8080808080808080;

/** `x` with its ASCII bytes in `first..last` (both < 0x80) flipped by 0x20; other bytes kept. */
@inline
function flipRange8(x: u64, first: u64, last: u64): u64 {
  const h = x & LO7;
  // per byte (no carries: h ≤ 0x7f): bit 7 set iff byte ≥ first, resp. > last
  const ge = h + (0x80 - first) * 0x0101010101010101;
  const gt = h + (0x7f - last) * 0x0101010101010101;
  return x ^ (((ge & ~gt & ~x & HIGH) >> 2));
}

/** Flip the ASCII letters `first..last` of `[p, p + n)` in place; returns where the first byte ≥ 0x80 is (or n). */
function flipAsciiRun(p: usize, n: i32, from: i32, first: u64, last: u64): i32 {
  let i = from;
  for (; i + 8 <= n; i += 8) {
    const x = load<u64>(p + i);
    if (x & HIGH) break;
    store<u64>(p + i, flipRange8(x, first, last));
  }
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c >= 0x80) return i;
    if (c >= <u32>first && c <= <u32>last) store<u8>(p + i, c ^ 0x20);
  }
  return i;
}

/** Output of a case change that grew or shrank: appended pieces, doubling as needed. */
class ByteSink {
  buf: ArrayBuffer;
  len: i32 = 0;
  constructor(capacity: i32) {
    this.buf = new ArrayBuffer(max(capacity, 16));
  }
  append(src: usize, n: i32): void {
    if (this.len + n > this.buf.byteLength) {
      const grown = new ArrayBuffer(max(this.buf.byteLength << 1, this.len + n));
      memory.copy(changetype<usize>(grown), changetype<usize>(this.buf), this.len);
      this.buf = grown;
    }
    memory.copy(changetype<usize>(this.buf) + this.len, src, n);
    this.len += n;
  }
  finish(): ArrayBuffer {
    return this.len == this.buf.byteLength ? this.buf : this.buf.slice(0, this.len);
  }
}

/** Case change of UTF-8 bytes: ASCII in place, eight at a time; other characters through `string`. */
function changeCase(buf: ArrayBuffer, upper: bool): ArrayBuffer {
  const p = changetype<usize>(buf);
  const n = buf.byteLength;
  const first: u64 = upper ? 0x61 : 0x41;
  const last: u64 = upper ? 0x7a : 0x5a;
  let i = flipAsciiRun(p, n, 0, first, last);
  if (i == n) return buf;
  // a character outside ASCII: from here pieces may change length
  const out = new ByteSink(n + (n >> 3));
  out.append(p, i);
  while (i < n) {
    let j = i;
    while (j < n && load<u8>(p + j) >= 0x80) j++;
    const text = String.UTF8.decodeUnsafe(p + i, j - i);
    const changed = String.UTF8.encode(upper ? text.toUpperCase() : text.toLowerCase());
    out.append(changetype<usize>(changed), changed.byteLength);
    i = flipAsciiRun(p, n, j, first, last);
    out.append(p + j, i - j);
  }
  return out.finish();
}

/** UTF-8 text as bytes, without going through `string`. */
export namespace Utf8 {
  /**
   * `buf` upper-cased: ASCII letters in place (the same buffer is returned when
   * it is all ASCII), other characters by Unicode's rules ("ß" → "SS", so the
   * result may be longer). A character split at the end of `buf` is left as it is.
   */
  export function toUpperCase(buf: ArrayBuffer): ArrayBuffer {
    return changeCase(buf, true);
  }

  /** `buf` lower-cased, as `toUpperCase`. */
  export function toLowerCase(buf: ArrayBuffer): ArrayBuffer {
    return changeCase(buf, false);
  }

  /** Whether every byte of `buf` is ASCII (< 0x80). */
  export function isAscii(buf: ArrayBuffer): bool {
    const p = changetype<usize>(buf);
    const n = buf.byteLength;
    let i = 0;
    for (; i + 8 <= n; i += 8) if (load<u64>(p + i) & HIGH) return false;
    for (; i < n; i++) if (load<u8>(p + i) >= 0x80) return false;
    return true;
  }

  /** Byte offset of the first `needle` in `haystack` at or after `from`, or -1. */
  export function indexOf(haystack: ArrayBuffer, needle: ArrayBuffer, from: i32 = 0): i32 {
    const h = changetype<usize>(haystack);
    const nd = changetype<usize>(needle);
    const m = needle.byteLength;
    const last = haystack.byteLength - m;
    if (m == 0) return from <= haystack.byteLength ? max(from, 0) : -1;
    const first = load<u8>(nd);
    for (let i = max(from, 0); i <= last; i++) {
      if (load<u8>(h + i) != first) continue;
      if (memory.compare(h + i, nd, m) == 0) return i;
    }
    return -1;
  }

  /** `buf` with every `from` replaced by `to`, left to right, not overlapping (`buf` itself when there is none). */
  export function replaceAll(buf: ArrayBuffer, from: ArrayBuffer, to: ArrayBuffer): ArrayBuffer {
    const m = from.byteLength;
    if (m == 0) return buf;
    let at = indexOf(buf, from, 0);
    if (at < 0) return buf;
    const p = changetype<usize>(buf);
    const out = new ByteSink(buf.byteLength + max(to.byteLength - m, 0) * 4);
    let done = 0;
    while (at >= 0) {
      out.append(p + done, at - done);
      out.append(changetype<usize>(to), to.byteLength);
      done = at + m;
      at = indexOf(buf, from, done);
    }
    out.append(p + done, buf.byteLength - done);
    return out.finish();
  }
}
