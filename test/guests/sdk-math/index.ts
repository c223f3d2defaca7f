// SDK test guest: floating point — every function of AssemblyScript's
// Math (NativeMath, f64) and Mathf (NativeMathf, f32), the f32/f64 builtins
// that wasm2c turns into C library calls (nearest, floor, ceil, trunc, sqrt,
// min, max, copysign, abs), every int <-> float conversion (the saturating
// trunc_sat forms that `<i32>x` etc. compile to, convert, promote, demote,
// reinterpret), and number parsing and printing.
//
// The answer is `name=v1 v2 …` lines, one value per input, the same on every
// host that runs WebAssembly correctly: inputs are parsed at run time (so
// the compiler cannot fold the calls away), NaN prints as "NaN" whatever its
// bits, negative zero as "-0.0". The input lists are printed too (`in64=…`)
// so a test can recompute what it can from JavaScript.
import { handle, Response } from "../../../sdk";

const IN64 = "0 -0 0.5 -0.75 2.5 -2.5 3.7 100.25 -1e-310 1e300 -Infinity NaN";
const IN32 = "0 -0 0.5 -0.75 2.5 -2.5 3.7 100.25 -1e-40 1e30 -Infinity NaN";
// pairs for the two-argument functions: (A64[i], B64[i])
const A64 = "2.5 -2.5 0 -0 3.7 1e300 -8 10 NaN Infinity 7.5 -7.5";
const B64 = "3 0.5 -0 0 -1.5 1e-300 0.3333333333333333 -2 1 -Infinity 2 -2";
const A32 = "2.5 -2.5 0 -0 3.7 1e30 -8 10 NaN Infinity 7.5 -7.5";
const B32 = "3 0.5 -0 0 -1.5 1e-30 0.33333334 -2 1 -Infinity 2 -2";
const SCALE = "3 -1 1000 -1075 0 2000 -5 1 7 -2 -150 200";
// ties and near-ties for the rounding functions
const ROUND64 = "0.5 1.5 2.5 -0.5 -1.5 -2.5 0.49999999999999994 -0.49999999999999994 4503599627370495.5 -4503599627370497 1e300 -0 NaN -Infinity";
const ROUND32 = "0.5 1.5 2.5 -0.5 -1.5 -2.5 0.49999997 -0.49999997 8388607.5 -8388609 1e30 -0 NaN -Infinity";
// float -> int: in range, fractions, just outside every integer type's range, infinities, NaN
const TOINT = "0 -0 0.5 -0.5 -1 2.5 -3.7 2147483647.5 2147483648 -2147483649 4294967295.9 4294967296 9223372036854775807 -9223372036854775809 18446744073709551615 1.9e19 -1e19 1e300 Infinity -Infinity NaN";
// int -> float, as u64 bit patterns (decimal): rounding cases for f32 and f64
const FROMINT = "0 1 18446744073709551615 2147483647 2147483648 4294967295 16777217 16777219 9007199254740993 9223372036854775807 9223372036854775808 9223373136366403585 18446742974197923841 123456789012345678";
// reinterpret: bit patterns without NaNs (a NaN's bits may differ between hosts)
const BITS64 = "3ff0000000000000 8000000000000000 0000000000000001 7fefffffffffffff fff0000000000000 400921fb54442d18 000fffffffffffff";
const BITS32 = "3f800000 80000000 00000001 7f7fffff ff800000 40490fdb 007fffff";
// printing: shortest round-trip digits, exponents, subnormals
const PRINT64 = "0.1 0.3 1e21 1e-7 123456789012345680000 5e-324 1.7976931348623157e308 2.2250738585072014e-308 0.000001 1.5 -42 100 1e100 0.30000000000000004";
const PRINT32 = "0.1 0.3 1e21 1e-7 3.4028235e38 1e-45 1.1754944e-38 16777216 1.5 -42 3.1415927";

function num64(x: f64): string {
  if (x == 0 && (reinterpret<u64>(x) >> 63) != 0) return "-0.0";
  return x.toString();
}

function num32(x: f32): string {
  if (x == 0 && (reinterpret<u32>(x) >> 31) != 0) return "-0.0";
  return x.toString();
}

function words(s: string): string[] {
  return s.split(" ");
}

function list64(s: string): f64[] {
  const w = words(s);
  const out = new Array<f64>(w.length);
  for (let i = 0; i < w.length; i++) out[i] = parseFloat(w[i]);
  return out;
}

function list32(s: string): f32[] {
  const w = words(s);
  const out = new Array<f32>(w.length);
  for (let i = 0; i < w.length; i++) out[i] = f32.parse(w[i]);
  return out;
}

function listInt(s: string): i32[] {
  const w = words(s);
  const out = new Array<i32>(w.length);
  for (let i = 0; i < w.length; i++) out[i] = i32.parse(w[i]);
  return out;
}

function listU64(s: string, radix: i32): u64[] {
  const w = words(s);
  const out = new Array<u64>(w.length);
  for (let i = 0; i < w.length; i++) out[i] = u64.parse(w[i], radix);
  return out;
}

function say(name: string, values: string[]): void {
  Response.say(name + "=" + values.join(" "));
}

function un64(name: string, xs: f64[], fn: (x: f64) => f64): void {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = num64(fn(xs[i]));
  say(name, out);
}

function bin64(name: string, xs: f64[], ys: f64[], fn: (x: f64, y: f64) => f64): void {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = num64(fn(xs[i], ys[i]));
  say(name, out);
}

function un32(name: string, xs: f32[], fn: (x: f32) => f32): void {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = num32(fn(xs[i]));
  say(name, out);
}

function bin32(name: string, xs: f32[], ys: f32[], fn: (x: f32, y: f32) => f32): void {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = num32(fn(xs[i], ys[i]));
  say(name, out);
}

function from64(name: string, xs: f64[], fn: (x: f64) => string): void {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = fn(xs[i]);
  say(name, out);
}

function from32(name: string, xs: f32[], fn: (x: f32) => string): void {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = fn(xs[i]);
  say(name, out);
}

function fromU64(name: string, xs: u64[], fn: (x: u64) => string): void {
  const out = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = fn(xs[i]);
  say(name, out);
}

function mathF64(): void {
  const x = list64(IN64);
  const a = list64(A64);
  const b = list64(B64);
  un64("Math.abs", x, (x: f64): f64 => Math.abs(x));
  un64("Math.acos", x, (x: f64): f64 => Math.acos(x));
  un64("Math.acosh", x, (x: f64): f64 => Math.acosh(x));
  un64("Math.asin", x, (x: f64): f64 => Math.asin(x));
  un64("Math.asinh", x, (x: f64): f64 => Math.asinh(x));
  un64("Math.atan", x, (x: f64): f64 => Math.atan(x));
  bin64("Math.atan2", a, b, (y: f64, x: f64): f64 => Math.atan2(y, x));
  un64("Math.atanh", x, (x: f64): f64 => Math.atanh(x));
  un64("Math.cbrt", x, (x: f64): f64 => Math.cbrt(x));
  un64("Math.ceil", x, (x: f64): f64 => Math.ceil(x));
  un64("Math.clz32", x, (x: f64): f64 => Math.clz32(x));
  un64("Math.cos", x, (x: f64): f64 => Math.cos(x));
  un64("Math.cosh", x, (x: f64): f64 => Math.cosh(x));
  un64("Math.exp", x, (x: f64): f64 => Math.exp(x));
  un64("Math.exp2", x, (x: f64): f64 => NativeMath.exp2(x));
  un64("Math.expm1", x, (x: f64): f64 => Math.expm1(x));
  un64("Math.floor", x, (x: f64): f64 => Math.floor(x));
  un64("Math.fround", x, (x: f64): f64 => Math.fround(x));
  bin64("Math.hypot", a, b, (x: f64, y: f64): f64 => Math.hypot(x, y));
  bin64("Math.imul", a, b, (x: f64, y: f64): f64 => Math.imul(x, y));
  un64("Math.log", x, (x: f64): f64 => Math.log(x));
  un64("Math.log10", x, (x: f64): f64 => Math.log10(x));
  un64("Math.log1p", x, (x: f64): f64 => Math.log1p(x));
  un64("Math.log2", x, (x: f64): f64 => Math.log2(x));
  bin64("Math.max", a, b, (x: f64, y: f64): f64 => Math.max(x, y));
  bin64("Math.min", a, b, (x: f64, y: f64): f64 => Math.min(x, y));
  bin64("Math.mod", a, b, (x: f64, y: f64): f64 => NativeMath.mod(x, y));
  bin64("Math.pow", a, b, (x: f64, y: f64): f64 => Math.pow(x, y));
  bin64("Math.rem", a, b, (x: f64, y: f64): f64 => NativeMath.rem(x, y));
  un64("Math.round", x, (x: f64): f64 => Math.round(x));
  const n = listInt(SCALE);
  const scaled = new Array<string>(a.length);
  for (let i = 0; i < a.length; i++) scaled[i] = num64(NativeMath.scalbn(a[i], n[i]));
  say("Math.scalbn", scaled);
  un64("Math.sign", x, (x: f64): f64 => Math.sign(x));
  un64("Math.signbit", x, (x: f64): f64 => Math.signbit(x) ? 1 : 0);
  un64("Math.sin", x, (x: f64): f64 => Math.sin(x));
  const sines = new Array<string>(x.length);
  const cosines = new Array<string>(x.length);
  for (let i = 0; i < x.length; i++) {
    NativeMath.sincos(x[i]);
    sines[i] = num64(NativeMath.sincos_sin);
    cosines[i] = num64(NativeMath.sincos_cos);
  }
  say("Math.sincos.sin", sines);
  say("Math.sincos.cos", cosines);
  un64("Math.sinh", x, (x: f64): f64 => Math.sinh(x));
  un64("Math.sqrt", x, (x: f64): f64 => Math.sqrt(x));
  un64("Math.tan", x, (x: f64): f64 => Math.tan(x));
  un64("Math.tanh", x, (x: f64): f64 => Math.tanh(x));
  un64("Math.trunc", x, (x: f64): f64 => Math.trunc(x));
  const r = list64(ROUND64);
  un64("Math.round.ties", r, (x: f64): f64 => Math.round(x));
  un64("Math.floor.ties", r, (x: f64): f64 => Math.floor(x));
  un64("Math.ceil.ties", r, (x: f64): f64 => Math.ceil(x));
  un64("Math.trunc.ties", r, (x: f64): f64 => Math.trunc(x));
}

function mathF32(): void {
  const x = list32(IN32);
  const a = list32(A32);
  const b = list32(B32);
  un32("Mathf.abs", x, (x: f32): f32 => Mathf.abs(x));
  un32("Mathf.acos", x, (x: f32): f32 => Mathf.acos(x));
  un32("Mathf.acosh", x, (x: f32): f32 => Mathf.acosh(x));
  un32("Mathf.asin", x, (x: f32): f32 => Mathf.asin(x));
  un32("Mathf.asinh", x, (x: f32): f32 => Mathf.asinh(x));
  un32("Mathf.atan", x, (x: f32): f32 => Mathf.atan(x));
  bin32("Mathf.atan2", a, b, (y: f32, x: f32): f32 => Mathf.atan2(y, x));
  un32("Mathf.atanh", x, (x: f32): f32 => Mathf.atanh(x));
  un32("Mathf.cbrt", x, (x: f32): f32 => Mathf.cbrt(x));
  un32("Mathf.ceil", x, (x: f32): f32 => Mathf.ceil(x));
  un32("Mathf.clz32", x, (x: f32): f32 => Mathf.clz32(x));
  un32("Mathf.cos", x, (x: f32): f32 => Mathf.cos(x));
  un32("Mathf.cosh", x, (x: f32): f32 => Mathf.cosh(x));
  un32("Mathf.exp", x, (x: f32): f32 => Mathf.exp(x));
  un32("Mathf.exp2", x, (x: f32): f32 => NativeMathf.exp2(x));
  un32("Mathf.expm1", x, (x: f32): f32 => Mathf.expm1(x));
  un32("Mathf.floor", x, (x: f32): f32 => Mathf.floor(x));
  un32("Mathf.fround", x, (x: f32): f32 => Mathf.fround(x));
  bin32("Mathf.hypot", a, b, (x: f32, y: f32): f32 => Mathf.hypot(x, y));
  bin32("Mathf.imul", a, b, (x: f32, y: f32): f32 => Mathf.imul(x, y));
  un32("Mathf.log", x, (x: f32): f32 => Mathf.log(x));
  un32("Mathf.log10", x, (x: f32): f32 => Mathf.log10(x));
  un32("Mathf.log1p", x, (x: f32): f32 => Mathf.log1p(x));
  un32("Mathf.log2", x, (x: f32): f32 => Mathf.log2(x));
  bin32("Mathf.max", a, b, (x: f32, y: f32): f32 => Mathf.max(x, y));
  bin32("Mathf.min", a, b, (x: f32, y: f32): f32 => Mathf.min(x, y));
  bin32("Mathf.mod", a, b, (x: f32, y: f32): f32 => NativeMathf.mod(x, y));
  bin32("Mathf.pow", a, b, (x: f32, y: f32): f32 => Mathf.pow(x, y));
  bin32("Mathf.rem", a, b, (x: f32, y: f32): f32 => NativeMathf.rem(x, y));
  un32("Mathf.round", x, (x: f32): f32 => Mathf.round(x));
  const n = listInt(SCALE);
  const scaled = new Array<string>(a.length);
  for (let i = 0; i < a.length; i++) scaled[i] = num32(NativeMathf.scalbn(a[i], n[i]));
  say("Mathf.scalbn", scaled);
  un32("Mathf.sign", x, (x: f32): f32 => Mathf.sign(x));
  un32("Mathf.signbit", x, (x: f32): f32 => Mathf.signbit(x) ? 1 : 0);
  un32("Mathf.sin", x, (x: f32): f32 => Mathf.sin(x));
  const sines = new Array<string>(x.length);
  const cosines = new Array<string>(x.length);
  for (let i = 0; i < x.length; i++) {
    NativeMathf.sincos(x[i]);
    sines[i] = num32(NativeMathf.sincos_sin);
    cosines[i] = num32(NativeMathf.sincos_cos);
  }
  say("Mathf.sincos.sin", sines);
  say("Mathf.sincos.cos", cosines);
  un32("Mathf.sinh", x, (x: f32): f32 => Mathf.sinh(x));
  un32("Mathf.sqrt", x, (x: f32): f32 => Mathf.sqrt(x));
  un32("Mathf.tan", x, (x: f32): f32 => Mathf.tan(x));
  un32("Mathf.tanh", x, (x: f32): f32 => Mathf.tanh(x));
  un32("Mathf.trunc", x, (x: f32): f32 => Mathf.trunc(x));
  const r = list32(ROUND32);
  un32("Mathf.round.ties", r, (x: f32): f32 => Mathf.round(x));
  un32("Mathf.floor.ties", r, (x: f32): f32 => Mathf.floor(x));
  un32("Mathf.ceil.ties", r, (x: f32): f32 => Mathf.ceil(x));
  un32("Mathf.trunc.ties", r, (x: f32): f32 => Mathf.trunc(x));
}

// the WebAssembly instructions themselves (f64.nearest has no Math twin)
function builtins(): void {
  const x = list64(IN64);
  const a = list64(A64);
  const b = list64(B64);
  const r = list64(ROUND64);
  un64("f64.nearest", r, (x: f64): f64 => f64.nearest(x));
  un64("f64.floor", r, (x: f64): f64 => f64.floor(x));
  un64("f64.ceil", r, (x: f64): f64 => f64.ceil(x));
  un64("f64.trunc", r, (x: f64): f64 => f64.trunc(x));
  un64("f64.sqrt", x, (x: f64): f64 => f64.sqrt(x));
  un64("f64.abs", x, (x: f64): f64 => f64.abs(x));
  bin64("f64.min", a, b, (x: f64, y: f64): f64 => f64.min(x, y));
  bin64("f64.max", a, b, (x: f64, y: f64): f64 => f64.max(x, y));
  bin64("f64.copysign", a, b, (x: f64, y: f64): f64 => f64.copysign(x, y));
  const x32 = list32(IN32);
  const a32 = list32(A32);
  const b32 = list32(B32);
  const r32 = list32(ROUND32);
  un32("f32.nearest", r32, (x: f32): f32 => f32.nearest(x));
  un32("f32.floor", r32, (x: f32): f32 => f32.floor(x));
  un32("f32.ceil", r32, (x: f32): f32 => f32.ceil(x));
  un32("f32.trunc", r32, (x: f32): f32 => f32.trunc(x));
  un32("f32.sqrt", x32, (x: f32): f32 => f32.sqrt(x));
  un32("f32.abs", x32, (x: f32): f32 => f32.abs(x));
  bin32("f32.min", a32, b32, (x: f32, y: f32): f32 => f32.min(x, y));
  bin32("f32.max", a32, b32, (x: f32, y: f32): f32 => f32.max(x, y));
  bin32("f32.copysign", a32, b32, (x: f32, y: f32): f32 => f32.copysign(x, y));
}

function conversions(): void {
  // float -> int: `<T>x` is trunc_sat (nontrapping-f2i is on): NaN -> 0, clamps at the type's range
  const t64 = list64(TOINT);
  from64("i32.trunc_sat_f64_s", t64, (x: f64): string => (<i32>x).toString());
  from64("i32.trunc_sat_f64_u", t64, (x: f64): string => (<u32>x).toString());
  from64("i64.trunc_sat_f64_s", t64, (x: f64): string => (<i64>x).toString());
  from64("i64.trunc_sat_f64_u", t64, (x: f64): string => (<u64>x).toString());
  const t32 = list32(TOINT);
  from32("i32.trunc_sat_f32_s", t32, (x: f32): string => (<i32>x).toString());
  from32("i32.trunc_sat_f32_u", t32, (x: f32): string => (<u32>x).toString());
  from32("i64.trunc_sat_f32_s", t32, (x: f32): string => (<i64>x).toString());
  from32("i64.trunc_sat_f32_u", t32, (x: f32): string => (<u64>x).toString());
  // int -> float
  const n = listU64(FROMINT, 10);
  fromU64("f64.convert_i32_s", n, (v: u64): string => num64(<f64><i32>v));
  fromU64("f64.convert_i32_u", n, (v: u64): string => num64(<f64><u32>v));
  fromU64("f64.convert_i64_s", n, (v: u64): string => num64(<f64><i64>v));
  fromU64("f64.convert_i64_u", n, (v: u64): string => num64(<f64>v));
  fromU64("f32.convert_i32_s", n, (v: u64): string => num32(<f32><i32>v));
  fromU64("f32.convert_i32_u", n, (v: u64): string => num32(<f32><u32>v));
  fromU64("f32.convert_i64_s", n, (v: u64): string => num32(<f32><i64>v));
  fromU64("f32.convert_i64_u", n, (v: u64): string => num32(<f32>v));
  // f64 <-> f32
  const x = list64(IN64);
  from64("f32.demote_f64", x, (x: f64): string => num32(<f32>x));
  from32("f64.promote_f32", list32(IN32), (x: f32): string => num64(<f64>x));
  // reinterpret, both ways
  const bits64 = listU64(BITS64, 16);
  fromU64("f64.reinterpret_i64", bits64, (v: u64): string => num64(reinterpret<f64>(v)));
  const finite = list64(PRINT64);
  from64("i64.reinterpret_f64", finite, (x: f64): string => reinterpret<u64>(x).toString(16));
  const bits32 = listU64(BITS32, 16);
  fromU64("f32.reinterpret_i32", bits32, (v: u64): string => num32(reinterpret<f32>(<u32>v)));
  from32("i32.reinterpret_f32", list32(PRINT32), (x: f32): string => reinterpret<u32>(x).toString(16));
}

function parsing(): void {
  const floats = [
    "3.14", "  -0.0", "1e-310", "2.2250738585072011e-308", "1.7976931348623159e308", "4.9e-324",
    "2.4703282292062327e-324", "0x10", "  3.14abc", "Infinity", "-Infinityx", "", ".5e1",
    "9007199254740993", "0.1e-999", "123456789012345678901234567890", "1e23",
  ];
  for (let i = 0; i < floats.length; i++) {
    Response.say("parseFloat(\"" + floats[i] + "\")=" + num64(parseFloat(floats[i])));
  }
  const ints = ["42", "-0x1F", "  12abc", "9007199254740993", "", "-0", "0b101", "1e3"];
  for (let i = 0; i < ints.length; i++) {
    Response.say("parseInt(\"" + ints[i] + "\")=" + num64(parseInt(ints[i])));
  }
  Response.say("parseInt(\"ff\",16)=" + num64(parseInt("ff", 16)));
  Response.say("parseInt(\"z\",36)=" + num64(parseInt("z", 36)));
  Response.say("F64.parseFloat(\"1e-310\")=" + num64(F64.parseFloat("1e-310")));
  Response.say("F64.parseInt(\"777\",8)=" + num64(F64.parseInt("777", 8)));
  Response.say("F32.parseFloat(\"3.4028235e38\")=" + num32(<f32>F32.parseFloat("3.4028235e38")));
  Response.say("f32.parse(\"1e-46\")=" + num32(f32.parse("1e-46")));
  Response.say("f32.parse(\"16777217\")=" + num32(f32.parse("16777217")));
  Response.say("f64.parse(\"-.5e1\")=" + num64(f64.parse("-.5e1")));
  Response.say("i32.parse(\"-2147483648\")=" + i32.parse("-2147483648").toString());
  Response.say("i64.parse(\"-9223372036854775808\")=" + i64.parse("-9223372036854775808").toString());
  Response.say("u64.parse(\"18446744073709551615\")=" + u64.parse("18446744073709551615").toString());
  // printing
  say("in64.toString", words(PRINT64).map<string>((s: string): string => parseFloat(s).toString()));
  say("in32.toString", words(PRINT32).map<string>((s: string): string => f32.parse(s).toString()));
}

function random(): void {
  // unseeded: the SDK's seed (time); only the range is the same everywhere
  const r = Math.random();
  const rf = Mathf.random();
  Response.say("Math.random=" + (r >= 0 && r < 1 ? "in [0,1)" : r.toString()));
  Response.say("Mathf.random=" + (rf >= 0 && rf < 1 ? "in [0,1)" : rf.toString()));
  // seeded: the same sequence everywhere
  NativeMath.seedRandom(42);
  const seq = new Array<string>(3);
  for (let i = 0; i < 3; i++) seq[i] = num64(Math.random());
  say("Math.random.seeded", seq);
  const seqf = new Array<string>(3);
  for (let i = 0; i < 3; i++) seqf[i] = num32(Mathf.random());
  say("Mathf.random.seeded", seqf);
}

export function on_content(): i32 {
  return handle((): void => {
    Response.say("in64=" + IN64);
    Response.say("in32=" + IN32);
    Response.say("a64=" + A64);
    Response.say("b64=" + B64);
    Response.say("a32=" + A32);
    Response.say("b32=" + B32);
    Response.say("round64=" + ROUND64);
    Response.say("round32=" + ROUND32);
    Response.say("toint=" + TOINT);
    Response.say("fromint=" + FROMINT);
    Response.say("scale=" + SCALE);
    Response.say("bits64=" + BITS64);
    Response.say("bits32=" + BITS32);
    Response.say("print64=" + PRINT64);
    Response.say("print32=" + PRINT32);
    mathF64();
    mathF32();
    builtins();
    conversions();
    parsing();
    random();
  });
}
