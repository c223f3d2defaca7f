// Exact conversions between decimal text and f64, which AssemblyScript's
// standard library does not give: its parseFloat is not correctly rounded
// (1e23 → 9.999999999999999e22) and its f64.toString is not the shortest
// round-trip form JavaScript prints (0.30000000000000004 → …07).
//
// Both use one exact big decimal (up to 800 digits, Go's strconv "simple
// decimal conversion", decimal.go/ftoa.go): text → f64 shifts it by powers of
// two into [0.5, 1) and rounds to 53 bits, half to even; f64 → text expands
// the double exactly and keeps the fewest digits that still lie between its
// neighbours' midpoints. No tables; microseconds per number, so the parser
// only comes here past Clinger's fast path, the writer only for fractions.

const MAX_DIGITS: i32 = 800;
// largest shift per step: (n << 60) + 9 << 60 fits u64
const MAX_SHIFT: i32 = 60;

class Decimal {
  d: StaticArray<u8> = new StaticArray<u8>(MAX_DIGITS);   // digit values 0–9, most significant first
  nd: i32 = 0;       // digits used
  dp: i32 = 0;       // decimal point: the value is 0.d[0]d[1]… × 10^dp
  trunc: bool = false;  // non-zero digits were dropped

  trim(): void {
    while (this.nd > 0 && unchecked(this.d[this.nd - 1]) == 0) this.nd--;
    if (this.nd == 0) this.dp = 0;
  }

  shift(k: i32): void {
    if (this.nd == 0) return;
    if (k > 0) {
      while (k > MAX_SHIFT) {
        this.leftShift(MAX_SHIFT);
        k -= MAX_SHIFT;
      }
      this.leftShift(k);
    } else if (k < 0) {
      while (k < -MAX_SHIFT) {
        this.rightShift(MAX_SHIFT);
        k += MAX_SHIFT;
      }
      this.rightShift(-k);
    }
  }

  /** × 2^k, into a scratch buffer from the right (a shift by ≤ 60 adds at most 19 digits). */
  private leftShift(k: i32): void {
    const d = this.d;
    const nd = this.nd;
    const size = nd + 20;
    const tmp = new StaticArray<u8>(size);
    let w = size;
    let n: u64 = 0;
    for (let r = nd - 1; r >= 0; r--) {
      n += <u64>unchecked(d[r]) << <u64>k;
      const q = n / 10;
      unchecked(tmp[--w] = <u8>(n - q * 10));
      n = q;
    }
    while (n > 0) {
      const q = n / 10;
      unchecked(tmp[--w] = <u8>(n - q * 10));
      n = q;
    }
    const produced = size - w;
    const keep = produced < MAX_DIGITS ? produced : MAX_DIGITS;
    for (let i = 0; i < produced; i++) {
      const digit = unchecked(tmp[w + i]);
      if (i < keep) unchecked(d[i] = digit);
      else if (digit != 0) this.trunc = true;
    }
    this.dp += produced - nd;
    this.nd = keep;
    this.trim();
  }

  /** ÷ 2^k. */
  private rightShift(k: i32): void {
    const d = this.d;
    let r = 0;
    let w = 0;
    let n: u64 = 0;
    // read enough leading digits to have something to divide
    for (; n >> <u64>k == 0; r++) {
      if (r >= this.nd) {
        if (n == 0) {
          this.nd = 0;
          return;
        }
        while (n >> <u64>k == 0) {
          n *= 10;
          r++;
        }
        break;
      }
      n = n * 10 + <u64>unchecked(d[r]);
    }
    this.dp -= r - 1;
    const mask: u64 = (<u64>1 << <u64>k) - 1;
    for (; r < this.nd; r++) {
      const c = <u64>unchecked(d[r]);
      unchecked(d[w++] = <u8>(n >> <u64>k));
      n &= mask;
      n = n * 10 + c;
    }
    while (n > 0) {
      const digit = <u8>(n >> <u64>k);
      n &= mask;
      if (w < MAX_DIGITS) unchecked(d[w++] = digit);
      else if (digit > 0) this.trunc = true;
      n *= 10;
    }
    this.nd = w;
    this.trim();
  }

  /** Set to the digits of `v`. */
  assign(v: u64): void {
    const tmp = new StaticArray<u8>(20);
    let n = 0;
    while (v > 0) {
      const q = v / 10;
      unchecked(tmp[n++] = <u8>(v - q * 10));
      v = q;
    }
    for (let i = 0; i < n; i++) unchecked(this.d[i] = unchecked(tmp[n - 1 - i]));
    this.nd = n;
    this.dp = n;
    this.trim();
  }

  /** Round to `nd` digits, half to even. */
  round(nd: i32): void {
    if (nd < 0 || nd >= this.nd) return;
    if (this.shouldRoundUp(nd)) this.roundUp(nd);
    else this.roundDown(nd);
  }

  roundDown(nd: i32): void {
    if (nd < 0 || nd >= this.nd) return;
    this.nd = nd;
    this.trim();
  }

  roundUp(nd: i32): void {
    if (nd < 0 || nd >= this.nd) return;
    const d = this.d;
    for (let i = nd - 1; i >= 0; i--) {
      if (unchecked(d[i]) < 9) {
        unchecked(d[i] = unchecked(d[i]) + 1);
        this.nd = i + 1;
        return;
      }
    }
    unchecked(d[0] = 1);
    this.nd = 1;
    this.dp++;
  }

  /** The integer part, rounded half to even (truncated digits count as more than half). */
  roundedInteger(): u64 {
    if (this.dp > 20) return u64.MAX_VALUE;
    const d = this.d;
    let n: u64 = 0;
    let i = 0;
    for (; i < this.dp && i < this.nd; i++) n = n * 10 + <u64>unchecked(d[i]);
    for (; i < this.dp; i++) n *= 10;
    if (this.shouldRoundUp(this.dp)) n++;
    return n;
  }

  shouldRoundUp(nd: i32): bool {
    if (nd < 0 || nd >= this.nd) return false;
    const d = this.d;
    if (unchecked(d[nd]) == 5 && nd + 1 == this.nd) {
      if (this.trunc) return true;
      return nd > 0 && (unchecked(d[nd - 1]) & 1) == 1;
    }
    return unchecked(d[nd]) >= 5;
  }
}

/**
 * The f64 nearest to the unsigned JSON number text [p, end) (`12.5e-3`; the
 * parser has checked its grammar), ties to even; ±0 and Infinity at the ends.
 */
export function decimalToF64(p: usize, end: usize): f64 {
  const a = new Decimal();
  const d = a.d;
  let sawDot = false;
  // significand: digits and one optional '.'
  for (; p < end; p++) {
    const c = <u32>load<u8>(p);
    if (c == 0x2e) {
      sawDot = true;
      a.dp = a.nd;
      continue;
    }
    if (c < 0x30 || c > 0x39) break;
    if (c == 0x30 && a.nd == 0) {
      a.dp--;          // a leading zero
      continue;
    }
    if (a.nd < MAX_DIGITS) unchecked(d[a.nd++] = <u8>(c - 0x30));
    else if (c != 0x30) a.trunc = true;
  }
  if (!sawDot) a.dp = a.nd;
  // exponent
  if (p < end) {
    p++;               // e / E
    let neg = false;
    if (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d) {
      neg = load<u8>(p) == 0x2d;
      p++;
    }
    let e: i32 = 0;
    for (; p < end; p++) {
      if (e < 100000) e = e * 10 + <i32>(load<u8>(p) - 0x30);
    }
    a.dp += neg ? -e : e;
  }
  a.trim();
  return reinterpret<f64>(floatBits(a));
}

// IEEE 754 binary64
const MANT_BITS: i32 = 52;
const EXP_BITS: i32 = 11;
const BIAS: i32 = -1023;
// how far to shift so that a number with dp digits before the point falls in [0.5, 1)
const POWTAB_LEN: i32 = 9;

function powtab(i: i32): i32 {
  if (i >= POWTAB_LEN) return 27;
  switch (i) {
    case 0: return 1;
    case 1: return 3;
    case 2: return 6;
    case 3: return 9;
    case 4: return 13;
    case 5: return 16;
    case 6: return 19;
    case 7: return 23;
  }
  return 26;
}

function floatBits(a: Decimal): u64 {
  let exp: i32 = 0;
  let mant: u64 = 0;
  const overflow: u64 = <u64>((1 << EXP_BITS) - 1) << <u64>MANT_BITS;   // Infinity
  if (a.nd == 0) return 0;
  if (a.dp > 310) return overflow;
  if (a.dp < -330) return 0;
  while (a.dp > 0) {
    const n = powtab(a.dp);
    a.shift(-n);
    exp += n;
  }
  while (a.dp < 0 || (a.dp == 0 && unchecked(a.d[0]) < 5)) {
    const n = powtab(-a.dp);
    a.shift(n);
    exp -= n;
  }
  exp--;               // [0.5, 1) → [1, 2)
  if (exp < BIAS + 1) {
    // denormal
    const n = BIAS + 1 - exp;
    a.shift(-n);
    exp += n;
  }
  if (exp - BIAS >= (1 << EXP_BITS) - 1) return overflow;
  a.shift(1 + MANT_BITS);
  mant = a.roundedInteger();
  if (mant == <u64>2 << <u64>MANT_BITS) {
    // rounding carried into a new bit
    mant >>= 1;
    exp++;
    if (exp - BIAS >= (1 << EXP_BITS) - 1) return overflow;
  }
  if ((mant & (<u64>1 << <u64>MANT_BITS)) == 0) exp = BIAS;   // denormal
  return (mant & ((<u64>1 << <u64>MANT_BITS) - 1)) | (<u64>((exp - BIAS) & ((1 << EXP_BITS) - 1)) << <u64>MANT_BITS);
}

/**
 * A finite, non-zero f64 as JavaScript's `Number.prototype.toString` writes
 * it: the shortest digits that read back to the same double, in plain
 * notation from 1e-6 to below 1e21, else `1.5e+21` / `1e-7`.
 */
export function f64ToJson(f: f64): string {
  const bits = reinterpret<u64>(f);
  const neg = (bits >> 63) != 0;
  let exp = <i32>((bits >> <u64>MANT_BITS) & <u64>((1 << EXP_BITS) - 1));
  let mant = bits & ((<u64>1 << <u64>MANT_BITS) - 1);
  if (exp == 0) exp++;              // denormal
  else mant |= <u64>1 << <u64>MANT_BITS;
  exp += BIAS;
  const d = new Decimal();
  d.assign(mant);
  d.shift(exp - MANT_BITS);
  roundShortest(d, mant, exp);
  return format(d, neg);
}

/** Keep the fewest digits of `d` (= mant × 2^(exp − 52)) that still lie strictly between the neighbours' midpoints (inclusive when mant is even). */
function roundShortest(d: Decimal, mant: u64, exp: i32): void {
  if (mant == 0) {
    d.nd = 0;
    return;
  }
  const minexp = BIAS + 1;
  // already shortest: every digit is needed (10^(dp−nd) ≥ 2^(exp−52))
  if (exp > minexp && 332 * (d.dp - d.nd) >= 100 * (exp - MANT_BITS)) return;
  const upper = new Decimal();
  upper.assign(mant * 2 + 1);
  upper.shift(exp - MANT_BITS - 1);
  let mantlo: u64;
  let explo: i32;
  if (mant > (<u64>1 << <u64>MANT_BITS) || exp == minexp) {
    mantlo = mant - 1;
    explo = exp;
  } else {
    // the power of two: the lower neighbour is half as far
    mantlo = mant * 2 - 1;
    explo = exp - 1;
  }
  const lower = new Decimal();
  lower.assign(mantlo * 2 + 1);
  lower.shift(explo - MANT_BITS - 1);
  const inclusive = (mant & 1) == 0;
  let upperdelta = 0;
  for (let ui = 0; ; ui++) {
    const mi = ui - upper.dp + d.dp;
    if (mi >= d.nd) break;
    const li = ui - upper.dp + lower.dp;
    const l: i32 = li >= 0 && li < lower.nd ? unchecked(lower.d[li]) : 0;
    const m: i32 = mi >= 0 ? unchecked(d.d[mi]) : 0;
    const u: i32 = ui < upper.nd ? unchecked(upper.d[ui]) : 0;
    const okdown = l != m || (inclusive && li + 1 == lower.nd);
    if (upperdelta == 0 && m + 1 < u) upperdelta = 2;
    else if (upperdelta == 0 && m != u) upperdelta = 1;
    else if (upperdelta == 1 && (m != 9 || u != 0)) upperdelta = 2;
    const okup = upperdelta > 0 && (inclusive || upperdelta > 1 || ui + 1 < upper.nd);
    if (okdown && okup) {
      d.round(mi + 1);
      return;
    }
    if (okdown) {
      d.roundDown(mi + 1);
      return;
    }
    if (okup) {
      d.roundUp(mi + 1);
      return;
    }
  }
}

/** Digits d × 10^(dp − nd) in JavaScript's Number::toString layout. */
function format(d: Decimal, neg: bool): string {
  const k = d.nd;
  const n = d.dp;
  let s = neg ? "-" : "";
  if (k <= n && n <= 21) {
    s += digits(d, 0, k);
    for (let i = k; i < n; i++) s += "0";
  } else if (0 < n && n <= 21) {
    s += digits(d, 0, n) + "." + digits(d, n, k);
  } else if (-6 < n && n <= 0) {
    s += "0.";
    for (let i = n; i < 0; i++) s += "0";
    s += digits(d, 0, k);
  } else {
    const e = n - 1;
    s += digits(d, 0, 1);
    if (k > 1) s += "." + digits(d, 1, k);
    s += (e < 0 ? "e-" : "e+") + (e < 0 ? -e : e).toString();
  }
  return s;
}

function digits(d: Decimal, from: i32, to: i32): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(0x30 + <i32>unchecked(d.d[i]));
  return s;
}
