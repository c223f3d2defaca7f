// test/guests/sdk-math in the in-process host: every Math/Mathf function,
// the f32/f64 instructions wasm2c turns into C library calls and every
// int <-> float conversion answer the shared expectation (MATH_LINES, which
// test/sdk/math-nginx.test.ts holds nginx to as well), and that expectation
// agrees with JavaScript wherever JavaScript computes the same thing.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { Host } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { MATH_LINES } from "./math-expected.js";
import { lines } from "./lines.js";

// the instructions wasm2c 1.0.32 compiles to libm calls (nearest, floor,
// ceil, trunc, sqrt, abs, copysign), the min/max it open-codes, and every
// conversion between integers and floats
const INSTRUCTIONS = [
  ...["nearest", "floor", "ceil", "trunc", "sqrt", "abs", "copysign", "min", "max"].flatMap((op) => [`f32.${op}`, `f64.${op}`]),
  ...["i32", "i64"].flatMap((i) => ["f32", "f64"].flatMap((f) => [`${i}.trunc_sat_${f}_s`, `${i}.trunc_sat_${f}_u`])),
  ...["f32", "f64"].flatMap((f) => ["i32", "i64"].flatMap((i) => [`${f}.convert_${i}_s`, `${f}.convert_${i}_u`])),
  "f32.demote_f64",
  "f64.promote_f32",
  "f64.reinterpret_i64",
  "i64.reinterpret_f64",
  "f32.reinterpret_i32",
  "i32.reinterpret_f32",
];

describe("sdk math", () => {
  let wasmPath: string;
  let body: string;

  beforeAll(async () => {
    const host = new Host();
    wasmPath = await buildGuest("test/guests/sdk-math");
    const r = await host.run(await host.load(wasmPath), { phase: "content" });
    expect(r.ok).toBe(true);
    body = r.body;
  });

  it("answers the shared expectation", () => {
    expect(lines(body)).toEqual(MATH_LINES);
  });

  it("the guest executes every float instruction wasm2c compiles to a C library call, and every conversion", async () => {
    const wabt = await wabtInit();
    const module = wabt.readWasm(readFileSync(wasmPath), { readDebugNames: false });
    let text: string;
    try {
      text = module.toText({});
    } finally {
      module.destroy();
    }
    const missing = INSTRUCTIONS.filter((op) => !new RegExp(`\\b${op.replace(".", "\\.")}\\b`).test(text));
    expect(missing).toEqual([]);
  });

  describe("the expectation agrees with JavaScript", () => {
    const f32 = Math.fround;
    const inputs = (key: string): number[] => word(key).map(Number);
    const inputs32 = (key: string): number[] => inputs(key).map(f32);
    // f32 values print in their own shortest form ("3.7"): read back as f32
    const isF32 = (key: string): boolean => /^(Mathf|f32)\.|^in32\./.test(key);
    const results = (key: string): number[] =>
      word(key).map((s) => (s === "-0.0" ? -0 : isF32(key) ? f32(Number(s)) : Number(s)));
    function word(key: string): string[] {
      const line = MATH_LINES[key];
      if (line === undefined) throw new Error(`no line ${key}`);
      return line.split(" ");
    }

    /** Exactly equal (NaN equals NaN, -0 differs from 0). */
    function exact(key: string, want: number[]): void {
      const got = results(key);
      expect(got.length, key).toBe(want.length);
      got.forEach((g, i) => expect(Object.is(g, want[i]), `${key}[${i}]: ${g} vs JavaScript's ${want[i]}`).toBe(true));
    }

    /** Within `ulps` of JavaScript's value; NaN, infinities and zeros exactly. */
    function close(key: string, want: number[], single: boolean, ulps = 2): void {
      const got = results(key);
      expect(got.length, key).toBe(want.length);
      got.forEach((g, i) => {
        const w = single ? f32(want[i]!) : want[i]!;
        const what = `${key}[${i}]: ${g} vs JavaScript's ${w}`;
        if (!Number.isFinite(w) || w === 0 || !Number.isFinite(g) || g === 0) expect(Object.is(g, w), what).toBe(true);
        else expect(ulpDistance(g, w, single), what).toBeLessThanOrEqual(ulps);
      });
    }

    const x64 = inputs("in64");
    const x32 = inputs32("in32");
    const [a64, b64] = [inputs("a64"), inputs("b64")];
    const [a32, b32] = [inputs32("a32"), inputs32("b32")];
    const [r64, r32] = [inputs("round64"), inputs32("round32")];
    const scale = inputs("scale");
    const unary = (xs: number[], f: (x: number) => number) => xs.map(f);
    const binary = (xs: number[], ys: number[], f: (x: number, y: number) => number) => xs.map((x, i) => f(x, ys[i]!));

    // AssemblyScript's clz32 and imul convert negative fractions with floor
    // rather than JavaScript's truncation (clz32(-0.75) is 0, not 32), its
    // rem is the IEEE remainder JavaScript lacks: those lines are held to
    // the shared expectation only.
    const EXACT: Record<string, (x: number) => number> = {
      abs: Math.abs,
      ceil: Math.ceil,
      floor: Math.floor,
      trunc: Math.trunc,
      round: Math.round,
      sign: Math.sign,
      sqrt: Math.sqrt,
      fround: f32,
      signbit: (x) => (x < 0 || Object.is(x, -0) ? 1 : 0),
    };
    const EXACT2: Record<string, (x: number, y: number) => number> = {
      min: Math.min,
      max: Math.max,
      mod: (x, y) => x % y,
    };
    const CLOSE: Record<string, (x: number) => number> = {
      acos: Math.acos,
      acosh: Math.acosh,
      asin: Math.asin,
      asinh: Math.asinh,
      atan: Math.atan,
      atanh: Math.atanh,
      cbrt: Math.cbrt,
      cos: Math.cos,
      cosh: Math.cosh,
      exp: Math.exp,
      exp2: (x) => 2 ** x,
      expm1: Math.expm1,
      log: Math.log,
      log10: Math.log10,
      log1p: Math.log1p,
      log2: Math.log2,
      sin: Math.sin,
      "sincos.sin": Math.sin,
      "sincos.cos": Math.cos,
      sinh: Math.sinh,
      tan: Math.tan,
      tanh: Math.tanh,
    };
    const CLOSE2: Record<string, (x: number, y: number) => number> = {
      atan2: Math.atan2,
      hypot: Math.hypot,
      pow: Math.pow,
    };

    it("Math (f64): exact functions exactly, the others within 2 ulp", () => {
      for (const [name, f] of Object.entries(EXACT)) exact(`Math.${name}`, unary(x64, f));
      for (const [name, f] of Object.entries(EXACT2)) exact(`Math.${name}`, binary(a64, b64, f));
      for (const [name, f] of Object.entries(CLOSE)) close(`Math.${name}`, unary(x64, f), false);
      for (const [name, f] of Object.entries(CLOSE2)) close(`Math.${name}`, binary(a64, b64, f), false);
      exact("Math.scalbn", binary(a64, scale, (x, n) => x * 2 ** n));
      for (const name of ["round", "floor", "ceil", "trunc"]) exact(`Math.${name}.ties`, unary(r64, EXACT[name]!));
    });

    it("Mathf (f32): exact functions exactly, the others within 2 ulp of JavaScript's f64 result rounded", () => {
      const in32 = (f: (x: number) => number) => (x: number) => f32(f(x));
      for (const [name, f] of Object.entries(EXACT)) exact(`Mathf.${name}`, unary(x32, in32(f)));
      for (const [name, f] of Object.entries(EXACT2)) exact(`Mathf.${name}`, binary(a32, b32, (x, y) => f32(f(x, y))));
      for (const [name, f] of Object.entries(CLOSE)) close(`Mathf.${name}`, unary(x32, f), true);
      for (const [name, f] of Object.entries(CLOSE2)) close(`Mathf.${name}`, binary(a32, b32, f), true);
      exact("Mathf.scalbn", binary(a32, scale, (x, n) => f32(x * 2 ** n)));
      for (const name of ["round", "floor", "ceil", "trunc"]) exact(`Mathf.${name}.ties`, unary(r32, in32(EXACT[name]!)));
    });

    it("f32/f64 instructions", () => {
      for (const [t, xs, as, bs, rs, round] of [
        ["f64", x64, a64, b64, r64, (v: number) => v],
        ["f32", x32, a32, b32, r32, f32],
      ] as const) {
        exact(`${t}.nearest`, unary(rs, nearest));
        exact(`${t}.floor`, unary(rs, Math.floor));
        exact(`${t}.ceil`, unary(rs, Math.ceil));
        exact(`${t}.trunc`, unary(rs, Math.trunc));
        exact(`${t}.sqrt`, unary(xs, (x) => round(Math.sqrt(x))));
        exact(`${t}.abs`, unary(xs, Math.abs));
        exact(`${t}.min`, binary(as, bs, Math.min));
        exact(`${t}.max`, binary(as, bs, Math.max));
        exact(`${t}.copysign`, binary(as, bs, copysign));
      }
    });

    it("float -> int (saturating), int -> float, promote, demote, reinterpret", () => {
      const range = { i32: [-(2n ** 31n), 2n ** 31n - 1n], u32: [0n, 2n ** 32n - 1n], i64: [-(2n ** 63n), 2n ** 63n - 1n], u64: [0n, 2n ** 64n - 1n] };
      const sat = (x: number, [lo, hi]: bigint[]): string => {
        if (Number.isNaN(x)) return "0";
        if (!Number.isFinite(x)) return String(x < 0 ? lo : hi);
        const t = BigInt(Math.trunc(x));
        return String(t < lo! ? lo : t > hi! ? hi : t);
      };
      for (const [f, xs] of [["f64", inputs("toint")], ["f32", inputs32("toint")]] as const) {
        expect(word(`i32.trunc_sat_${f}_s`)).toEqual(xs.map((x) => sat(x, range.i32)));
        expect(word(`i32.trunc_sat_${f}_u`)).toEqual(xs.map((x) => sat(x, range.u32)));
        expect(word(`i64.trunc_sat_${f}_s`)).toEqual(xs.map((x) => sat(x, range.i64)));
        expect(word(`i64.trunc_sat_${f}_u`)).toEqual(xs.map((x) => sat(x, range.u64)));
      }
      const ints = word("fromint").map(BigInt);
      const as = { i32_s: (v: bigint) => BigInt.asIntN(32, v), i32_u: (v: bigint) => BigInt.asUintN(32, v), i64_s: (v: bigint) => BigInt.asIntN(64, v), i64_u: (v: bigint) => v };
      for (const [name, view] of Object.entries(as)) {
        exact(`f64.convert_${name}`, ints.map((v) => Number(view(v))));
        exact(`f32.convert_${name}`, ints.map((v) => bigIntToF32(view(v))));
      }
      exact("f32.demote_f64", x64.map(f32));
      exact("f64.promote_f32", x32);
      const dv = new DataView(new ArrayBuffer(8));
      exact("f64.reinterpret_i64", word("bits64").map((h) => (dv.setBigUint64(0, BigInt(`0x${h}`)), dv.getFloat64(0))));
      exact("f32.reinterpret_i32", word("bits32").map((h) => (dv.setUint32(0, Number(`0x${h}`)), dv.getFloat32(0))));
      expect(word("i64.reinterpret_f64")).toEqual(inputs("print64").map((x) => (dv.setFloat64(0, x), dv.getBigUint64(0).toString(16))));
      expect(word("i32.reinterpret_f32")).toEqual(inputs32("print32").map((x) => (dv.setFloat32(0, x), dv.getUint32(0).toString(16))));
    });

    // AssemblyScript's strtod is not correctly rounded everywhere
    // (parseFloat("1e23") is 9.999999999999999e+22) and its dtoa is Grisu2,
    // not always the shortest form (0.30000000000000004 prints as
    // 0.30000000000000007): printing is held to reading back the same value.
    it("toString reads back as the value it printed", () => {
      exact("in64.toString", inputs("print64"));
      exact("in32.toString", inputs32("print32"));
    });

    it("Math.random is in [0, 1); seeded, the sequence is the same on every host", () => {
      expect(MATH_LINES["Math.random"]).toBe("in [0,1)");
      expect(MATH_LINES["Mathf.random"]).toBe("in [0,1)");
      for (const v of [...results("Math.random.seeded"), ...results("Mathf.random.seeded")]) {
        expect(v >= 0 && v < 1).toBe(true);
      }
    });
  });
});

/** WebAssembly's nearest: round half to even, keeping the sign of zero. */
function nearest(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  let r = Math.floor(x);
  const d = x - r;
  if (d > 0.5 || (d === 0.5 && r % 2 !== 0)) r += 1;
  return r === 0 && x < 0 ? -0 : r;
}

function copysign(x: number, y: number): number {
  const negative = y < 0 || Object.is(y, -0) || (Number.isNaN(y) && signBitOfNaN(y));
  return negative ? -Math.abs(x) : Math.abs(x);
}

function signBitOfNaN(y: number): boolean {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, y);
  return (dv.getUint8(0) & 0x80) !== 0;
}

/** An integer rounded once, to nearest even, to f32 (Math.fround(Number(v)) would round twice). */
function bigIntToF32(v: bigint): number {
  const sign = v < 0n ? -1 : 1;
  let m = v < 0n ? -v : v;
  const bits = m.toString(2).length;
  if (bits <= 24) return sign * Number(m);
  const shift = BigInt(bits - 24);
  const rest = m & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  m >>= shift;
  if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  return Math.fround(sign * Number(m) * 2 ** Number(shift));
}

/** How many representable values of the type lie between a and b (same sign, finite). */
function ulpDistance(a: number, b: number, single: boolean): number {
  const dv = new DataView(new ArrayBuffer(8));
  const ordinal = (x: number): bigint => {
    let i: bigint;
    if (single) {
      dv.setFloat32(0, x);
      i = BigInt(dv.getInt32(0));
      return i < 0n ? -(i & 0x7fffffffn) : i;
    }
    dv.setFloat64(0, x);
    i = dv.getBigInt64(0);
    return i < 0n ? -(i & 0x7fffffffffffffffn) : i;
  };
  const d = ordinal(a) - ordinal(b);
  return Number(d < 0n ? -d : d);
}
