// ABI area "time" (ngx_wasm_time_unix_ms, ngx_wasm_time_monotonic_ms) at the
// raw ABI, on both hosts from one table (runner.ts). Both are allowed in
// every phase, so the area has no phase-gate rows. The values: the wall
// clock within a minute of the test's, the monotonic clock never going back
// within one invocation (its origin is the host's own).
import { expect } from "vitest";
import { areaSuite, phaseGateCases, type AreaCase, type Observed } from "./runner.js";

const FNS = ["ngx_wasm_time_unix_ms", "ngx_wasm_time_monotonic_ms"] as const;

/** rc, then the u64 written at BUF */
const read = (fn: string, len = 8) => `(call $fill) (call $rc (call $${fn} (global.get $BUF) (i32.const ${len}))) (call $u64 (global.get $BUF)) (call $say (str ";"))`;

function wallClock(o: Observed): void {
  const m = /^rc=0;(\d+);$/.exec(o.report ?? "");
  expect(m, `[${o.host}] report ${o.report}`).not.toBeNull();
  expect(Math.abs(Number(m![1]) - Date.now()), `[${o.host}] unix ms ${m![1]} is now`).toBeLessThan(60_000);
}

function monotonic(o: Observed): void {
  const m = /^rc=0;(\d+);rc=0;(\d+);$/.exec(o.report ?? "");
  expect(m, `[${o.host}] report ${o.report}`).not.toBeNull();
  const [a, b] = [Number(m![1]), Number(m![2])];
  expect(b - a, `[${o.host}] monotonic ${a} then ${b}`).toBeGreaterThanOrEqual(0);
  expect(b - a).toBeLessThan(1000);
}

const CASES: AreaCase[] = [
  {
    name: "time_unix_ms: rc 0, milliseconds since the epoch, now",
    phase: "content",
    wat: read("ngx_wasm_time_unix_ms"),
    expect: { report: /^rc=0;\d{13};$/, status: 200, check: wallClock },
  },
  {
    name: "time_monotonic_ms: rc 0, and a second read is not earlier",
    phase: "content",
    wat: `${read("ngx_wasm_time_monotonic_ms")} ${read("ngx_wasm_time_monotonic_ms")}`,
    expect: { check: monotonic },
  },
  ...FNS.flatMap((fn): AreaCase[] => [
    {
      name: `${fn}: buf_len 7 (under TIME_BUF_MIN) is -2, the buffer untouched`,
      phase: "content",
      wat: `(call $fill) (call $rc (call $${fn} (global.get $BUF) (i32.const 7))) (call $peek (i32.const 8))`,
      expect: { report: "rc=-2;[########]" },
    },
    {
      name: `${fn}: a larger buffer gets exactly 8 bytes`,
      phase: "content",
      wat: `(call $fill) (call $rc (call $${fn} (global.get $BUF) (i32.const 16))) (call $esc (i32.add (global.get $BUF) (i32.const 8)) (i32.const 8))`,
      expect: { report: "rc=0;########" },
    },
    {
      name: `${fn}: a negative pointer or length is -2`,
      phase: "content",
      wat: `(call $rc (call $${fn} (i32.const -8) (i32.const 8))) (call $rc (call $${fn} (global.get $BUF) (i32.const -1)))`,
      expect: { report: "rc=-2;rc=-2;" },
    },
    {
      // the generated layer checks every range before any semantics (abi.json order)
      name: `${fn}: buf_len under 8 inside memory is -2`,
      phase: "content",
      wat: `(call $rc (call $${fn} (i32.const 65528) (i32.const 4)))`,
      expect: { report: "rc=-2;" },
    },
    {
      name: `${fn}: the range comes before buf_len: 4 bytes past the end trap`,
      phase: "content",
      wat: `(call $rc (call $${fn} (i32.const 65535) (i32.const 4)))`,
      expect: { trap: new RegExp(`${fn}\\b.*outside guest memory`), status: 500 },
    },
    {
      name: `${fn}: 8 bytes past the end of memory trap, naming the function`,
      phase: "content",
      wat: `(call $rc (call $${fn} (i32.const 65532) (i32.const 8)))`,
      expect: { trap: new RegExp(`${fn}\\b.*outside guest memory`), status: 500 },
    },
    {
      name: `${fn}: a buffer reaching past the end of memory traps, though its first 8 bytes fit`,
      phase: "content",
      wat: `(call $rc (call $${fn} (i32.const 65528) (i32.const 16)))`,
      expect: { trap: new RegExp(`${fn}\\b.*outside guest memory`), status: 500 },
    },
  ]),
  ...(["server_rewrite", "rewrite", "access"] as const).map(
    (phase): AreaCase => ({
      name: `time_unix_ms in ${phase}`,
      phase,
      wat: read("ngx_wasm_time_unix_ms"),
      expect: { check: wallClock, status: 200 },
    }),
  ),
  ...(["header_filter", "body_filter", "log"] as const).flatMap((phase): AreaCase[] => [
    {
      name: `time_unix_ms in ${phase}`,
      phase,
      wat: read("ngx_wasm_time_unix_ms"),
      response: { status: 200, body: "upstream body" },
      expect: { check: wallClock, status: 200 },
    },
    {
      name: `time_monotonic_ms in ${phase}`,
      phase,
      wat: `${read("ngx_wasm_time_monotonic_ms")} ${read("ngx_wasm_time_monotonic_ms")}`,
      response: { status: 200, body: "upstream body" },
      expect: { check: monotonic },
    },
  ]),
  ...(["balancer", "ssl_client_hello", "ssl_certificate"] as const).map(
    (phase): AreaCase => ({
      name: `time_unix_ms in ${phase}`,
      phase,
      wat: read("ngx_wasm_time_unix_ms"),
      expect: { check: wallClock },
    }),
  ),
  ...phaseGateCases("time"),
];

areaSuite("ABI area time (ngx_wasm_time_unix_ms, ngx_wasm_time_monotonic_ms)", CASES);
