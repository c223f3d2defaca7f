// The shared dict (ABI area "shared_dict": ngx_wasm_shm_*) at the raw ABI,
// on both hosts from one table: the in-process host (host/shared-dict.ts) and
// nginx with the module's wasm_shm_zone (nginx/module/ngx_http_wasm_api_shm.c).
//
// Each case is a list of steps; each step is one request running one export
// of a generated WAT guest, which calls the shm functions in order and writes
// one line per call: the result, and for shm_get also the bytes it copied
// (printable ASCII as is, any other byte as \hh). Steps may sleep first (TTL
// expiry) or expect a trap. Then what only nginx has: concurrency across
// workers, reloads, and the configuration errors of nginx -t.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";
import { nginxTableHost, runSteps, tableLocations, tsTableHost, type Step as TableStep } from "./steps.js";

// ------------------------------------------------------------------ the table

/** Guest memory given as a range: for negative or out-of-range arguments. */
interface Raw {
  ptr: number;
  len: number;
}
/** Bytes placed in a data segment (strings: one byte per char, latin1), or a range. */
type Arg = string | Uint8Array | Raw;

type Fn = "get" | "exists" | "set" | "set_ex" | "add" | "replace" | "incr" | "delete";

interface Op {
  fn: Fn;
  key: Arg;
  value?: Arg;
  /** ttl_msec of set_ex, delta of incr */
  n?: number;
  /** shm_get's buffer: its length at BUF (default 64), or a raw range */
  buf?: number | Raw;
  /** shm_get: compare the copied bytes with the pattern at BIG instead of printing them */
  same?: boolean;
  expect: string;
}

type Step = TableStep<Op>;

interface Case {
  name: string;
  steps: Step[];
}

const PAGES = 4;
const MEMORY = PAGES * 65536;
/** shm_get's buffer */
const BUF = 65536;
/** 65,537 bytes of the pattern (i * 7 + 3) & 0xff, written by $fill */
const BIG = 131072;
const DATA = 1024;
/** the response body, built up to the end of memory */
const OUT_BUF = BIG + 65537 + 3;
/** one past the end of guest memory */
const OUT = { ptr: MEMORY - 1, len: 2 };

/** `n` bytes of the pattern at BIG, as a value */
const big = (n: number): Raw => ({ ptr: BIG, len: n });
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

const get = (key: Arg, expect: string, opts: { buf?: number | Raw; same?: boolean } = {}): Op => ({ fn: "get", key, expect, ...opts });
const exists = (key: Arg, expect: string): Op => ({ fn: "exists", key, expect });
const set = (key: Arg, value: Arg, expect: string): Op => ({ fn: "set", key, value, expect });
const setEx = (key: Arg, value: Arg, ttl: number, expect: string): Op => ({ fn: "set_ex", key, value, n: ttl, expect });
const add = (key: Arg, value: Arg, expect: string): Op => ({ fn: "add", key, value, expect });
const replace = (key: Arg, value: Arg, expect: string): Op => ({ fn: "replace", key, value, expect });
const incr = (key: Arg, delta: number, expect: string): Op => ({ fn: "incr", key, n: delta, expect });
const del = (key: Arg, expect: string): Op => ({ fn: "delete", key, expect });

const K256 = "k".repeat(255) + "!";
const K257 = "k".repeat(256) + "!";
const I32_MAX = "2147483647";
const I32_MIN = "-2147483648";

/** incr on each of these stored values is -2 (and leaves the value as it was) */
const NOT_I32 = ["abc", "+5", " 5", "5 ", "", "-", "--1", "1.5", "0x10", "1e3", "5\u0000", "\u00d9\u00a3" /* UTF-8 of Arabic-Indic 3 */, "2147483648", "-2147483649", "99999999999999999999"];

/** A 1 MiB zone, several workers. */
const CASES: Case[] = [
  {
    name: "set, get (copies what fits, returns the full length), exists, delete (a missing key is OK)",
    steps: [
      {
        ops: [
          set("a:1", "hello,world", "0"),
          get("a:1", "11 [hello,world]"),
          get("a:1", "11 [hello]", { buf: 5 }),
          get("a:1", "11 []", { buf: 0 }),
          exists("a:1", "1"),
          exists("a:missing", "0"),
          get("a:missing", "-1"),
          set("a:1", "second", "0"),
          get("a:1", "6 [second]"),
          del("a:1", "0"),
          get("a:1", "-1"),
          exists("a:1", "0"),
          del("a:1", "0"),
          del("a:never", "0"),
        ],
      },
      { ops: [get("a:1", "-1"), set("a:2", "across requests", "0")] },
      { ops: [get("a:2", "15 [across\\20requests]")] },
    ],
  },
  {
    name: "values are byte-exact: NUL, 0xFF, high bytes, empty",
    steps: [
      {
        ops: [
          set("b:1", bytes(0, 0xff, 0x80, 0, 7), "0"),
          get("b:1", "5 [\\00\\ff\\80\\00\\07]"),
          set("b:2", "", "0"),
          get("b:2", "0 []"),
          exists("b:2", "1"),
          set("b:1", "x", "0"),
          get("b:1", "1 [x]"),
        ],
      },
      { ops: [get("b:2", "0 []"), get("b:1", "1 [x]")] },
    ],
  },
  {
    name: "keys are byte-exact: NUL inside, case, prefixes",
    steps: [
      {
        ops: [
          set("c:\u0000a", "1", "0"),
          set("c:\u0000b", "2", "0"),
          set("c:", "3", "0"),
          set("C:", "4", "0"),
          set(bytes(0xff), "5", "0"),
          get("c:\u0000a", "1 [1]"),
          get("c:\u0000b", "1 [2]"),
          get("c:", "1 [3]"),
          get("C:", "1 [4]"),
          get(bytes(0xff), "1 [5]"),
          get("c:\u0000", "-1"),
        ],
      },
    ],
  },
  {
    name: "keys of 1..256 bytes; 0 or 257 bytes is -2 for every function",
    steps: [
      {
        ops: [
          set(K256, "v", "0"),
          get(K256, "1 [v]"),
          exists(K256, "1"),
          replace(K256, "w", "0"),
          get(K256, "1 [w]"),
          del(K256, "0"),
          exists(K256, "0"),
          set(K257, "v", "-2"),
          setEx(K257, "v", 0, "-2"),
          add(K257, "v", "-2"),
          replace(K257, "v", "-2"),
          get(K257, "-2"),
          exists(K257, "-2"),
          incr(K257, 1, "-2"),
          del(K257, "-2"),
          set("", "v", "-2"),
          setEx("", "v", 0, "-2"),
          add("", "v", "-2"),
          replace("", "v", "-2"),
          get("", "-2"),
          exists("", "-2"),
          incr("", 1, "-2"),
          del("", "-2"),
          set("d", "one byte", "0"),
          get("d", "8 [one\\20byte]"),
        ],
      },
    ],
  },
  {
    name: "values up to 65,535 bytes, byte-exact; 65,536 is -2 and changes nothing",
    steps: [
      {
        ops: [
          set("e:1", big(65535), "0"),
          get("e:1", "65535 same", { buf: 65536, same: true }),
          get("e:1", "65535 same", { buf: 100, same: true }),
          set("e:1", big(65536), "-2"),
          setEx("e:1", big(65536), 0, "-2"),
          replace("e:1", big(65536), "-2"),
          add("e:2", big(65536), "-2"),
          exists("e:2", "0"),
        ],
      },
      { ops: [get("e:1", "65535 same", { buf: 65535, same: true })] },
    ],
  },
  {
    name: "add only when missing (-1 when present), replace only when present (-1 when missing)",
    steps: [
      {
        ops: [
          add("f:1", "one", "0"),
          add("f:1", "two", "-1"),
          get("f:1", "3 [one]"),
          replace("f:1", "three", "0"),
          get("f:1", "5 [three]"),
          replace("f:2", "x", "-1"),
          exists("f:2", "0"),
          del("f:1", "0"),
          replace("f:1", "x", "-1"),
          add("f:1", "again", "0"),
          get("f:1", "5 [again]"),
        ],
      },
    ],
  },
  {
    name: "set_ex: a TTL in ms (0 = none), expired keys are gone for every function; a negative TTL is -2 and changes nothing",
    steps: [
      {
        ops: [
          setEx("g:short", "short", 100, "0"),
          get("g:short", "5 [short]"),
          setEx("g:none", "forever", 0, "0"),
          setEx("g:long", "long", 600_000, "0"),
          set("g:old", "old", "0"),
          setEx("g:old", "new", -1, "-2"),
          get("g:old", "3 [old]"),
          setEx("g:incr", "1", 100, "0"),
          incr("g:incr", 1, "2"),
          setEx("g:add", "x", 100, "0"),
          setEx("g:replace", "y", 100, "0"),
          setEx("g:exists", "z", 100, "0"),
          setEx("g:reset", "r", 100, "0"),
          set("g:reset", "kept", "0"),
        ],
      },
      {
        sleepMs: 300,
        ops: [
          get("g:short", "-1"),
          get("g:none", "7 [forever]"),
          get("g:long", "4 [long]"),
          incr("g:incr", 1, "-2"),
          add("g:add", "again", "0"),
          get("g:add", "5 [again]"),
          replace("g:replace", "y2", "-1"),
          exists("g:exists", "0"),
          get("g:reset", "4 [kept]"),
        ],
      },
    ],
  },
  {
    name: "incr: ASCII base-10 i32, new value stored in its shortest form; missing key, non-integer and overflow are -2",
    steps: [
      {
        ops: [
          set("h:1", "10", "0"),
          incr("h:1", 5, "15"),
          get("h:1", "2 [15]"),
          incr("h:1", -20, "-5"),
          get("h:1", "2 [-5]"),
          incr("h:missing", 1, "-2"),
          exists("h:missing", "0"),
          set("h:max", I32_MAX, "0"),
          incr("h:max", 1, "-2"),
          get("h:max", `10 [${I32_MAX}]`),
          incr("h:max", 0, I32_MAX),
          incr("h:max", -1, "2147483646"),
          incr("h:max", 1, I32_MAX),
          set("h:min", I32_MIN, "0"),
          incr("h:min", -1, "-2"),
          get("h:min", `11 [${I32_MIN}]`),
          incr("h:min", 0, I32_MIN),
          incr("h:min", 1, "-2147483647"),
          incr("h:min", -1, I32_MIN),
          set("h:delta", "0", "0"),
          incr("h:delta", 2147483647, I32_MAX),
          incr("h:delta", -2147483648, "-1"),
          incr("h:delta", -2147483647, I32_MIN),
          set("h:minus3", "-3", "0"),
          incr("h:minus3", 1, "-2"),
          get("h:minus3", "2 [-2]"),
          set("h:zeros", "007", "0"),
          incr("h:zeros", 0, "7"),
          get("h:zeros", "1 [7]"),
          set("h:negzero", "-0", "0"),
          incr("h:negzero", 0, "0"),
          get("h:negzero", "1 [0]"),
          set("h:long", "0".repeat(40) + "12", "0"),
          incr("h:long", 1, "13"),
          get("h:long", "2 [13]"),
          set("h:grow", "9", "0"),
          incr("h:grow", 1, "10"),
          get("h:grow", "2 [10]"),
          set("h:grow2", "999999999", "0"),
          incr("h:grow2", 1, "1000000000"),
          incr("h:grow2", 2147483647 - 1000000000, I32_MAX),
          get("h:grow2", `10 [${I32_MAX}]`),
          set("h:shrink", "-10", "0"),
          incr("h:shrink", 9, "-1"),
          get("h:shrink", "2 [-1]"),
        ],
      },
      { ops: [incr("h:1", 1, "-4"), incr("h:grow", 90, "100"), get("h:grow", "3 [100]")] },
      {
        ops: NOT_I32.flatMap((v, i) => [set(`h:bad${i}`, v, "0"), incr(`h:bad${i}`, 0, "-2"), incr(`h:bad${i}`, 1, "-2")]).concat([
          get("h:bad0", "3 [abc]"),
          get("h:bad12", "10 [2147483648]"),
        ]),
      },
    ],
  },
  {
    name: "negative pointers or lengths are -2, not a trap, for every function",
    steps: [
      {
        ops: [
          get({ ptr: -1, len: 1 }, "-2"),
          get({ ptr: DATA, len: -1 }, "-2"),
          get("i:1", "-2", { buf: { ptr: -1, len: 4 } }),
          get("i:1", "-2", { buf: { ptr: BUF, len: -4 } }),
          exists({ ptr: -1, len: 1 }, "-2"),
          exists({ ptr: DATA, len: -1 }, "-2"),
          set({ ptr: -1, len: 1 }, "v", "-2"),
          set("i:1", { ptr: DATA, len: -1 }, "-2"),
          setEx("i:1", { ptr: -5, len: 1 }, 0, "-2"),
          setEx({ ptr: DATA, len: -1 }, "v", 0, "-2"),
          add("i:1", { ptr: -1, len: 0 }, "-2"),
          replace({ ptr: -1, len: 0 }, "v", "-2"),
          incr({ ptr: -1, len: 1 }, 1, "-2"),
          incr({ ptr: DATA, len: -1 }, 1, "-2"),
          del({ ptr: -1, len: 1 }, "-2"),
          del({ ptr: DATA, len: -1 }, "-2"),
          exists("i:1", "0"),
        ],
      },
    ],
  },
  {
    name: "a range outside guest memory traps, checked before anything else (even for a missing or invalid key)",
    steps: [
      { trap: get(OUT, "") },
      { trap: get("j:missing", "", { buf: OUT }) },
      { trap: get("", "", { buf: OUT }) },
      { trap: exists(OUT, "") },
      { trap: set(OUT, "v", "") },
      { trap: set("j:1", OUT, "") },
      { trap: setEx("j:1", OUT, -1, "") },
      { trap: add("j:1", OUT, "") },
      { trap: replace(OUT, "v", "") },
      { trap: incr(OUT, 1, "") },
      { trap: del(OUT, "") },
      { ops: [exists("j:1", "0")] },
    ],
  },
];

/** A 64 KiB zone (the in-process host: capacityBytes 65536): eviction. */
const SMALL_ZONE_CASES: Case[] = [
  {
    name: "a full zone evicts the least recently used entries; set fails (-2) only for an entry larger than the zone, and then changes nothing",
    steps: [
      {
        // ten 10,000-byte values into 64 KiB, reading lru:0 after each set
        ops: Array.from({ length: 10 }, (_, i) => [set(`lru:${i}`, big(10000), "0"), get("lru:0", "10000 same", { buf: 10000, same: true })]).flat(),
      },
      {
        ops: [
          exists("lru:0", "1"), // read after every set: the most recently used
          exists("lru:9", "1"),
          exists("lru:8", "1"),
          exists("lru:1", "0"), // the least recently used went first
          exists("lru:2", "0"),
          get("lru:9", "10000 same", { buf: 10000, same: true }),
        ],
      },
      {
        ops: [
          set("lru:big", big(65535), "-2"),
          setEx("lru:big", big(65535), 0, "-2"),
          add("lru:big", big(65535), "-2"),
          exists("lru:0", "1"), // nothing was evicted for it
          exists("lru:9", "1"),
          exists("lru:8", "1"),
          get("lru:0", "10000 same", { buf: 10000, same: true }),
          set("lru:mid", big(30000), "0"), // fits once others are evicted
          get("lru:mid", "30000 same", { buf: 30000, same: true }),
          exists("lru:0", "1"),
          exists("lru:7", "0"),
          set("lru:small", "s", "0"),
          get("lru:small", "1 [s]"),
        ],
      },
    ],
  },
];

// ------------------------------------------------------------------ WAT generation

function argBytes(a: string | Uint8Array): Uint8Array {
  return typeof a === "string" ? Uint8Array.from(Buffer.from(a, "latin1")) : a;
}

/** The guest for a table: export c<case>_s<step> per step. */
function tableWat(cases: Case[]): string {
  const data = new Map<string, number>();
  let next = DATA;
  const segments: string[] = [];
  const place = (a: Arg): Raw => {
    if (typeof a === "object" && !(a instanceof Uint8Array)) return a;
    const b = argBytes(a);
    const hex = Buffer.from(b).toString("hex");
    let ptr = data.get(hex);
    if (ptr === undefined) {
      ptr = next;
      next += b.length + 1;
      if (next > BUF) throw new Error("table data overflows the data area");
      data.set(hex, ptr);
      segments.push(`(data (i32.const ${ptr}) "${hex.replace(/../g, "\\$&")}")`);
    }
    return { ptr, len: b.length };
  };
  const c = (n: number): string => `(i32.const ${n | 0})`;
  const range = (r: Raw): string => `${c(r.ptr)} ${c(r.len)}`;

  const call = (op: Op): string => {
    const key = range(place(op.key));
    switch (op.fn) {
      case "get": {
        const buf = typeof op.buf === "object" ? op.buf : { ptr: BUF, len: op.buf ?? 64 };
        return `(call $ngx_wasm_shm_get ${key} ${range(buf)})`;
      }
      case "exists":
      case "delete":
        return `(call $ngx_wasm_shm_${op.fn} ${key})`;
      case "incr":
        return `(call $ngx_wasm_shm_incr ${key} ${c(op.n!)})`;
      case "set_ex":
        return `(call $ngx_wasm_shm_set_ex ${key} ${range(place(op.value!))} ${c(op.n!)})`;
      default:
        return `(call $ngx_wasm_shm_${op.fn} ${key} ${range(place(op.value!))})`;
    }
  };

  const opCode = (op: Op): string => {
    const lines = [`(local.set $rc ${call(op)})`, "(call $num (local.get $rc))"];
    if (op.fn === "get" && typeof op.buf !== "object") {
      const len = op.buf ?? 64;
      const shown = op.same
        ? `(call $same (i32.const ${BUF}) (call $min (local.get $rc) (i32.const ${len})))`
        : `(call $write (i32.const 200) (i32.const 2)) (call $esc (i32.const ${BUF}) (call $min (local.get $rc) (i32.const ${len}))) (call $write (i32.const 202) (i32.const 1))`;
      lines.push(`(if (i32.ge_s (local.get $rc) (i32.const 0)) (then ${shown}))`);
    }
    lines.push("(call $write (i32.const 203) (i32.const 1))");
    return lines.join("\n    ");
  };

  const exports: string[] = [];
  cases.forEach((cs, i) =>
    cs.steps.forEach((step, j) => {
      const ops = "trap" in step ? [step.trap] : step.ops;
      const body = ops.map(opCode).join("\n    ");
      const after = "trap" in step ? "(call $write (i32.const 218) (i32.const 8))" : "";
      exports.push(`(func (export "c${i}_s${j}") (result i32) (local $rc i32)
    (call $fill)
    ${body}
    ${after}
    (drop (call $ngx_wasm_resp_write (i32.const ${OUT_BUF}) (global.get $olen)))
    (i32.const 0))`);
    }),
  );

  return `
  ;; scratch: digits at 0..63, one byte at 100; fixed text at 200: " [" 200,
  ;; "]" 202, newline 203, " same" 204, " differs" 209, "no trap\\n" 218
  (data (i32.const 200) " []\\n same differs no trap\\n")
  ;; the output accumulates at OUT_BUF (resp_write sets the whole body) and
  ;; is written once at the end of each export
  (global $olen (mut i32) (i32.const 0))
  (func $byte (param $b i32)
    (i32.store8 (i32.add (i32.const ${OUT_BUF}) (global.get $olen)) (local.get $b))
    (global.set $olen (i32.add (global.get $olen) (i32.const 1))))
  (func $write (param $p i32) (param $n i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (call $byte (i32.load8_u (i32.add (local.get $p) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))
  (func $num (param $v i32) (local $m i64) (local $p i32) (local $neg i32)
    (local.set $m (i64.extend_i32_s (local.get $v)))
    (local.set $neg (i64.lt_s (local.get $m) (i64.const 0)))
    (if (local.get $neg) (then (local.set $m (i64.sub (i64.const 0) (local.get $m)))))
    (local.set $p (i32.const 64))
    (loop $l
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $m) (i64.const 10)))))
      (local.set $m (i64.div_u (local.get $m) (i64.const 10)))
      (br_if $l (i64.ne (local.get $m) (i64.const 0))))
    (if (local.get $neg) (then
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.const 45))))
    (call $write (local.get $p) (i32.sub (i32.const 64) (local.get $p))))
  (func $hexdigit (param $d i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $d) (i32.const 10))
      (then (i32.add (local.get $d) (i32.const 48)))
      (else (i32.add (local.get $d) (i32.const 87)))))
  ;; printable ASCII but space and backslash as is, any other byte as \\hh
  (func $esc (param $p i32) (param $n i32) (local $i i32) (local $b i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $i))))
      (if (i32.and (i32.and (i32.gt_u (local.get $b) (i32.const 32)) (i32.lt_u (local.get $b) (i32.const 127)))
                   (i32.ne (local.get $b) (i32.const 92)))
        (then (call $byte (local.get $b)))
        (else
          (call $byte (i32.const 92))
          (call $byte (call $hexdigit (i32.shr_u (local.get $b) (i32.const 4))))
          (call $byte (call $hexdigit (i32.and (local.get $b) (i32.const 15))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $pattern (param $i i32) (result i32)
    (i32.and (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)) (i32.const 255)))
  (func $fill (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.const 65537)))
      (i32.store8 (i32.add (i32.const ${BIG}) (local.get $i)) (call $pattern (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  ;; " same" when [p, p + n) holds the pattern, " differs" otherwise
  (func $same (param $p i32) (param $n i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i))) (call $pattern (local.get $i)))
        (then (call $write (i32.const 209) (i32.const 8)) (return)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (call $write (i32.const 204) (i32.const 5)))
  ${segments.join("\n  ")}
  ${exports.join("\n  ")}
  `;
}

// ------------------------------------------------------------------ running a table

function describeOp(op: Op): string {
  const show = (a: Arg | undefined): string => {
    if (a === undefined) return "";
    if (typeof a === "object" && !(a instanceof Uint8Array)) return a.ptr === BIG ? `<${a.len} pattern bytes>` : `{ptr ${a.ptr}, len ${a.len}}`;
    const b = argBytes(a);
    return b.length > 40 ? `<${b.length} bytes>` : JSON.stringify(Buffer.from(b).toString("latin1"));
  };
  return `${op.fn}(${[show(op.key), show(op.value), op.n ?? ""].filter((s) => s !== "").join(", ")})`;
}

/** Cases must not share keys: on nginx they share one zone. */
function checkDisjointKeys(cases: Case[]): void {
  const owner = new Map<string, string>();
  for (const cs of cases) {
    for (const step of cs.steps) {
      for (const op of "trap" in step ? [step.trap] : step.ops) {
        if (typeof op.key === "object" && !(op.key instanceof Uint8Array)) continue;
        const k = Buffer.from(argBytes(op.key)).toString("hex");
        if (k !== "" && owner.has(k) && owner.get(k) !== cs.name) throw new Error(`cases "${owner.get(k)}" and "${cs.name}" share a key`);
        owner.set(k, cs.name);
      }
    }
  }
}

checkDisjointKeys([...CASES, ...SMALL_ZONE_CASES]);

for (const [label, cases, zone] of [
  ["1 MiB zone", CASES, 1 << 20],
  ["64 KiB zone", SMALL_ZONE_CASES, 64 << 10],
] as const) {
  describe(`shared dict, raw ABI, ${label}: in-process host`, () => {
    let host: Host;
    let guest: Guest;
    beforeAll(async () => {
      host = new Host({ shm: { capacityBytes: zone } });
      guest = await host.load(await abiGuest(tableWat(cases), { memoryPages: PAGES }));
    });
    const th = tsTableHost(() => guest, () => host);
    cases.forEach((cs, i) => it(cs.name, () => runSteps(th, i, cs.steps, describeOp)));
  });

  describe(`shared dict, raw ABI, ${label}: nginx`, () => {
    let ngx: Nginx;
    beforeAll(async () => {
      ngx = await Nginx.create("shm-table", { workers: 2 });
      const wasm = ngx.addFile("wasm/shm-table.wasm", await abiGuest(tableWat(cases), { memoryPages: PAGES }));
      await ngx.start(`
    wasm_shm_zone table ${zone / 1024}k;
    server {
        listen ${ngx.listen()};
        ${tableLocations(wasm, cases)}
    }`);
    });
    afterAll(async () => {
      await ngx?.stop();
    });
    const th = nginxTableHost(() => ngx);
    cases.forEach((cs, i) => it(cs.name, () => runSteps(th, i, cs.steps, describeOp)));
  });
}


// ------------------------------------------------------------------ nginx only

/** ?k=KEY&v=VALUE: on_set stores, on_get answers the value or "(missing)"; on_incr adds 1 to "hits" and answers the worker's pid. */
const KV_GUEST = `
  (data (i32.const 1024) "arg_k")
  (data (i32.const 1032) "arg_v")
  (data (i32.const 1040) "hits")
  (data (i32.const 1048) "pid")
  (data (i32.const 1056) "(missing)")
  (data (i32.const 1072) "0")
  (func $arg (param $name i32) (param $buf i32) (result i32)
    (call $ngx_wasm_var_get (local.get $name) (i32.const 5) (local.get $buf) (i32.const 256)))
  (func (export "on_set") (result i32)
    (i32.ne (call $ngx_wasm_shm_set (i32.const 2048) (call $arg (i32.const 1024) (i32.const 2048))
                                    (i32.const 4096) (call $arg (i32.const 1032) (i32.const 4096)))
            (i32.const 0)))
  (func (export "on_get") (result i32) (local $len i32)
    (local.set $len (call $ngx_wasm_shm_get (i32.const 2048) (call $arg (i32.const 1024) (i32.const 2048)) (i32.const 8192) (i32.const 4096)))
    (if (i32.lt_s (local.get $len) (i32.const 0))
      (then (drop (call $ngx_wasm_resp_write (i32.const 1056) (i32.const 9))))
      (else (drop (call $ngx_wasm_resp_write (i32.const 8192) (local.get $len)))))
    (i32.const 0))
  (func (export "on_reset") (result i32)
    (i32.ne (call $ngx_wasm_shm_set (i32.const 1040) (i32.const 4) (i32.const 1072) (i32.const 1)) (i32.const 0)))
  (func (export "on_incr") (result i32)
    (if (i32.eq (call $ngx_wasm_shm_incr (i32.const 1040) (i32.const 4) (i32.const 1)) (i32.const -2))
      (then (return (i32.const 1))))
    (drop (call $ngx_wasm_resp_write (i32.const 8192)
                                     (call $ngx_wasm_var_get (i32.const 1048) (i32.const 3) (i32.const 8192) (i32.const 32))))
    (i32.const 0))
`;

function kvLocations(wasm: string): string {
  return ["set", "get", "reset", "incr"].map((e) => `location = /${e} { content_by_wasm ${wasm} on_${e}; }`).join("\n        ");
}

/**
 * `total` GET requests of `path`, over `connections` keep-alive connections,
 * each sending `batch` pipelined requests at a time: every status, and the
 * set of bodies. Each request is sent once and answered once, so the server
 * ran exactly `total` of them.
 */
async function pipelinedGets(port: number, path: string, total: number, connections: number, batch: number) {
  const statuses = new Map<number, number>();
  const bodies = new Set<string>();
  const perConnection = total / connections;
  if (!Number.isInteger(perConnection) || perConnection % batch !== 0) throw new Error("total must split into connections × batches");
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`.repeat(batch));

  const one = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let sent = 0;
      let answered = 0;
      let buf: Buffer = Buffer.alloc(0);
      const sendBatch = () => {
        sent += batch;
        socket.write(request);
      };
      socket.setTimeout(30_000, () => socket.destroy(new Error(`no answer after ${answered} of ${perConnection} responses`)));
      socket.on("connect", sendBatch);
      socket.on("error", reject);
      socket.on("close", () => (answered === perConnection ? resolve() : reject(new Error(`closed after ${answered} responses`))));
      socket.on("data", (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) break;
          const head = buf.subarray(0, end).toString("latin1");
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
          if (Number.isNaN(length)) {
            socket.destroy(new Error(`a response without Content-Length:\n${head}`));
            return;
          }
          if (buf.length < end + 4 + length) break;
          const status = Number(head.slice(9, 12));
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          bodies.add(buf.subarray(end + 4, end + 4 + length).toString("latin1"));
          buf = buf.subarray(end + 4 + length);
          answered++;
        }
        if (answered === perConnection) socket.end();
        else if (answered === sent) sendBatch();
      });
    });

  await Promise.all(Array.from({ length: connections }, one));
  return { statuses, bodies };
}

describe("shared dict in nginx: two workers", () => {
  let ngx: Nginx;
  beforeAll(async () => {
    ngx = await Nginx.create("shm-workers", { workers: 2 });
    const wasm = ngx.addFile("wasm/kv.wasm", await abiGuest(KV_GUEST));
    await ngx.start(`
    wasm_shm_zone counters 1m;
    keepalive_requests 1000000;
    server {
        listen ${ngx.listen()} reuseport;
        ${kvLocations(wasm)}
    }`);
  });
  afterAll(async () => {
    await ngx?.stop();
  });

  it("incr is exact under concurrency: 200,000 requests over 16 keep-alive connections on both workers count 200,000", async () => {
    expect((await ngx.get("/reset")).status).toBe(200);
    const total = 200_000;
    const { statuses, bodies } = await pipelinedGets(ngx.port, "/incr", total, 16, 50);
    expect(Object.fromEntries(statuses)).toEqual({ 200: total });
    // the bodies are the pids of the workers that answered: both did
    expect([...bodies].sort()).toEqual(ngx.workerPids().map(String).sort());
    expect((await ngx.get("/get?k=hits")).text).toBe(String(total));
  }, 120_000);

  it("a value set by one worker is read by the other", async () => {
    expect((await ngx.get("/set?k=shared&v=from-one")).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await ngx.get("/get?k=shared")).text).toBe("from-one");
  });
});

describe("shared dict in nginx: reload", () => {
  let ngx: Nginx;
  let wasm: string;
  const config = (zone: string) => `
    wasm_shm_zone ${zone};
    server {
        listen ${ngx.listen()};
        ${kvLocations(wasm)}
    }`;
  beforeAll(async () => {
    ngx = await Nginx.create("shm-reload");
    wasm = ngx.addFile("wasm/kv.wasm", await abiGuest(KV_GUEST));
    await ngx.start(config("keep 1m"));
  });
  afterAll(async () => {
    await ngx?.stop();
  });

  it("keeps the zone's contents when its name and size are unchanged; another size or name starts empty", async () => {
    expect((await ngx.get("/set?k=persist&v=kept")).status).toBe(200);
    const same = await ngx.reload(config("keep 1m"));
    expect(same.ok, same.output).toBe(true);
    expect((await ngx.get("/get?k=persist")).text).toBe("kept");

    const resized = await ngx.reload(config("keep 2m"));
    expect(resized.ok, resized.output).toBe(true);
    expect((await ngx.get("/get?k=persist")).text).toBe("(missing)");

    expect((await ngx.get("/set?k=persist&v=again")).status).toBe(200);
    const renamed = await ngx.reload(config("other 2m"));
    expect(renamed.ok, renamed.output).toBe(true);
    expect((await ngx.get("/get?k=persist")).text).toBe("(missing)");
  });
});

describe("wasm_shm_zone at nginx -t", () => {
  let ngx: Nginx;
  let wasm: string;
  let plain: string;
  beforeAll(async () => {
    ngx = await Nginx.create("shm-conf");
    wasm = ngx.addFile("wasm/kv.wasm", await abiGuest(KV_GUEST));
    plain = ngx.addFile("wasm/plain.wasm", await abiGuest(`(func (export "on_content") (result i32) (i32.const 0))`));
  });
  const server = (guest: string) => `server { listen ${ngx.listen()}; location / { content_by_wasm ${guest} on_get; } }`;

  it("a guest importing shm_* with no zone is refused, naming the guest, the import and wasm_shm_zone", async () => {
    const t = await ngx.configure(server(wasm)).test();
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(
      /\[emerg\] \d+#\d+: wasm: guest ".*kv\.wasm" imports env\.ngx_wasm_shm_\w+ \(the shared dict\), but no zone is configured: add "wasm_shm_zone NAME SIZE;" \(e\.g\. "wasm_shm_zone guests 1m;"\) to the http block/,
    );
  });

  it("a guest without shm_* imports needs no zone; the zone may come after the guests' directives", async () => {
    expect((await ngx.configure(`server { listen ${ngx.listen()}; location / { content_by_wasm ${plain} on_content; } }`).test()).ok).toBe(true);
    const t = await ngx.configure(`${server(wasm)}\nwasm_shm_zone later 1m;`).test();
    expect(t.ok, t.output).toBe(true);
  });

  it("a zone too small for the slab allocator is refused with the minimum size", async () => {
    const t = await ngx.configure(`wasm_shm_zone tiny 16k;\n${server(wasm)}`).test();
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(/\[emerg\] \d+#\d+: wasm_shm_zone "tiny" is too small: 16k, the minimum is 32k \(32768 bytes: 8 pages of the slab allocator\)/);
    expect((await ngx.configure(`wasm_shm_zone smallest 32k;\n${server(wasm)}`).test()).ok).toBe(true);
  });

  it("an invalid size, a second zone, and a zone outside the http block are refused", async () => {
    const invalid = await ngx.configure(`wasm_shm_zone z lots;\n${server(wasm)}`).test();
    expect(invalid.output).toMatch(/\[emerg\] \d+#\d+: wasm_shm_zone "z": invalid size "lots"/);
    const twice = await ngx.configure(`wasm_shm_zone a 1m;\nwasm_shm_zone b 1m;\n${server(wasm)}`).test();
    expect(twice.output).toMatch(/\[emerg\] \d+#\d+: wasm_shm_zone is duplicate: the ABI has one shared dict, so there is one zone per http block/);
    const inServer = await ngx.configure(`server { listen ${ngx.listen()}; wasm_shm_zone s 1m; }`).test();
    expect(inServer.output).toMatch(/\[emerg\] \d+#\d+: "wasm_shm_zone" directive is not allowed here/);
  });
});
