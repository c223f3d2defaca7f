// ABI area "log" (ngx_wasm_log) at the raw ABI, on both hosts from one table
// (runner.ts). ngx_wasm_log is allowed in every phase, so the area has no
// phase-gate rows.
import { LogLevel } from "../../host-abi/tables.js";
import { areaSuite, phaseGateCases, type AreaCase } from "./runner.js";

const LEVELS = Object.entries(LogLevel) as [string, number][];

/** BUF = `n` bytes of "x", then `tail` written over its end. */
const xs = (n: number) => `(memory.fill (global.get $BUF) (i32.const 120) (i32.const ${n}))`;

const CASES: AreaCase[] = [
  {
    name: "a NOTICE line: rc 0, the bytes in the log",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (str "hello from the guest")))`,
    expect: { report: "rc=0;", status: 200, logs: ["NOTICE hello from the guest"] },
  },
  ...LEVELS.map(
    ([name, level]): AreaCase => ({
      name: `level ${level} (${name}): rc 0, logged at that level`,
      phase: "content",
      wat: `(call $rc (call $ngx_wasm_log (i32.const ${level}) (str "at level ${name}")))`,
      // nginx writes DEBUG lines only where the error log is at debug
      nginxLocation: level === LogLevel.DEBUG ? "error_log error.log debug;" : undefined,
      expect: { report: "rc=0;", logs: [`${name} at level ${name}`] },
    }),
  ),
  {
    name: "lines come out in call order",
    phase: "content",
    wat: `
      (call $rc (call $ngx_wasm_log (i32.const 4) (str "first")))
      (call $rc (call $ngx_wasm_log (i32.const 5) (str "second")))
      (call $rc (call $ngx_wasm_log (i32.const 6) (str "third")))`,
    expect: { report: "rc=0;rc=0;rc=0;", logs: ["ERR first", "WARN second", "NOTICE third"] },
  },
  {
    name: "an empty message: rc 0, an empty line",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (global.get $BUF) (i32.const 0)))`,
    expect: { report: "rc=0;", logs: ["NOTICE "] },
  },
  {
    name: "the bytes are never a format string",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 5) (str "fmt %s %d %V %p %n %*s 100% literal")))`,
    expect: { report: "rc=0;", logs: ["WARN fmt %s %d %V %p %n %*s 100% literal"] },
  },
  {
    name: "control bytes but tab are written as \\xNN: a message cannot forge log lines",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (str "a\\0d\\0a2026/01/01 [emerg] forged\\00\\09tab\\7f")))`,
    expect: { report: "rc=0;", logs: ["NOTICE a\\x0d\\x0a2026/01/01 [emerg] forged\\x00\ttab\\x7f"] },
  },
  {
    name: "UTF-8 text is logged as it is",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (str "h\\c3\\a9llo \\e2\\9c\\93")))`,
    expect: { report: "rc=0;", logs: ["NOTICE héllo ✓"] },
  },
  {
    name: "1024 bytes (LOG_MAX) are logged whole",
    phase: "content",
    wat: `${xs(1024)} (i32.store8 (i32.add (global.get $BUF) (i32.const 1023)) (i32.const 65))
      (call $rc (call $ngx_wasm_log (i32.const 6) (global.get $BUF) (i32.const 1024)))`,
    expect: { report: "rc=0;", logs: [`NOTICE ${"x".repeat(1023)}A`] },
  },
  {
    name: "over 1024 bytes: rc 0, cut at 1024 bytes",
    phase: "content",
    wat: `${xs(2000)} (i32.store8 (i32.add (global.get $BUF) (i32.const 1023)) (i32.const 65))
      (i32.store8 (i32.add (global.get $BUF) (i32.const 1024)) (i32.const 66))
      (call $rc (call $ngx_wasm_log (i32.const 6) (global.get $BUF) (i32.const 2000)))`,
    expect: { report: "rc=0;", logs: [`NOTICE ${"x".repeat(1023)}A`] },
  },
  {
    name: "a cut inside a UTF-8 sequence leaves its first byte (read back as U+FFFD)",
    phase: "content",
    wat: `${xs(1023)} (i32.store8 (i32.add (global.get $BUF) (i32.const 1023)) (i32.const 0xc3))
      (i32.store8 (i32.add (global.get $BUF) (i32.const 1024)) (i32.const 0xa9))
      (call $rc (call $ngx_wasm_log (i32.const 6) (global.get $BUF) (i32.const 1025)))`,
    expect: { report: "rc=0;", logs: [`NOTICE ${"x".repeat(1023)}\ufffd`] },
  },

  // ---- ERROR (-2): level outside 0..8, negative pointer or length; nothing is logged
  ...[-1, 9, 0x7fffffff, -0x80000000].map(
    (level): AreaCase => ({
      name: `level ${level}: -2, nothing logged`,
      phase: "content",
      wat: `(call $rc (call $ngx_wasm_log (i32.const ${level}) (str "not logged")))`,
      expect: { report: "rc=-2;", logs: [] },
    }),
  ),
  {
    name: "a negative pointer: -2, nothing logged",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (i32.const -1) (i32.const 4)))`,
    expect: { report: "rc=-2;", logs: [] },
  },
  {
    name: "a negative length: -2, nothing logged",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (global.get $BUF) (i32.const -1)))`,
    expect: { report: "rc=-2;", logs: [] },
  },
  {
    // the generated layer checks every range before any semantics (abi.json order)
    name: "ranges come before the level: a bad level with a range outside memory traps",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 9) (i32.const 65535) (i32.const 2)))`,
    expect: { trap: /ngx_wasm_log\b.*outside guest memory/, status: 500, logs: [] },
  },
  {
    name: "a message past the end of memory traps, naming the function; nothing logged",
    phase: "content",
    wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (i32.const 65530) (i32.const 7)))`,
    expect: { trap: /ngx_wasm_log\b.*outside guest memory/, status: 500, logs: [] },
  },

  // ---- every phase allows it
  ...(["server_rewrite", "rewrite", "access"] as const).map(
    (phase): AreaCase => ({
      name: `from ${phase}: logged`,
      phase,
      wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (str "from ${phase}")))`,
      expect: { report: "rc=0;", status: 200, logs: [`NOTICE from ${phase}`] },
    }),
  ),
  ...(["header_filter", "body_filter", "log"] as const).map(
    (phase): AreaCase => ({
      name: `from ${phase}: logged`,
      phase,
      wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (str "from ${phase}")))`,
      response: { status: 200, body: "upstream body" },
      expect: { report: "rc=0;", status: 200, logs: [`NOTICE from ${phase}`] },
    }),
  ),
  ...(["balancer", "ssl_client_hello", "ssl_certificate"] as const).map(
    (phase): AreaCase => ({
      name: `from ${phase}: logged`,
      phase,
      wat: `(call $rc (call $ngx_wasm_log (i32.const 6) (str "from ${phase}")))`,
      expect: { report: "rc=0;", logs: [`NOTICE from ${phase}`] },
    }),
  ),
  ...phaseGateCases("log"),
];

areaSuite("ABI area log (ngx_wasm_log)", CASES);
