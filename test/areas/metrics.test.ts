// Metrics (ABI area "metrics": ngx_wasm_metric_*) at the raw ABI, on both
// hosts from one table: the in-process host (host/metrics.ts) and nginx with
// the module's wasm_metrics_zone / wasm_counter / wasm_gauge / wasm_metrics
// (nginx/module/ngx_http_wasm_api_metrics.c).
//
// One set of declarations (DECLARED) becomes the in-process host's options
// and nginx's directives. Each case is a list of steps; each step is one
// request running one export of a generated WAT guest, which calls the
// metric functions in order and writes one line per call: its result. After
// the table, both hosts export the same Prometheus text (EXPOSITION), and
// bad declarations get the same message from both (nginx -t and the
// in-process host's constructor). Then what only nginx has: the zone and its
// size, reloads, several workers, and the i64 arithmetic of the zone.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { Host, type Guest, type MetricDeclarations } from "../../host/index.js";
import { metricDirectives } from "../support/metrics.js";
import { Nginx, ensureModule } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";
import { nginxTableHost, runSteps, tableLocations, tsTableHost, type Step as TableStep } from "./steps.js";

const execFileP = promisify(execFile);

// ------------------------------------------------------------------ declarations

/** As the in-process host takes them; nginx gets them as directives (metricDirectives). */
const DECLARED: MetricDeclarations = {
  counters: [
    "requests_total",
    { name: 'responses_total{class="2xx"}', help: "Responses by status class" },
    'multi_total{a="1",b="2"}',
    // a family's series need not be declared together: they are exported together
    'responses_total{class="4xx"}',
    'escaped_total{path="/a\\"b\\\\c\\nd"}',
    'unicode_total{city="Zürich ✓"}',
    { name: "help_escapes_total", help: "line one\nline two \\ backslash" },
  ],
  gauges: ["in_flight", 'temperature{room="a"}', 'temperature{room="b"}'],
};

// ------------------------------------------------------------------ the table

/** Guest memory given as a range: for negative or out-of-range arguments. */
interface Raw {
  ptr: number;
  len: number;
}

type Fn = "counter_inc" | "gauge_set" | "gauge_add";

interface Op {
  fn: Fn;
  /** text (UTF-8), bytes, or a raw range */
  name: string | Uint8Array | Raw;
  n: number;
  expect: string;
}

type Step = TableStep<Op>;

interface Case {
  name: string;
  steps: Step[];
}

const inc = (name: Op["name"], n: number, expect: string): Op => ({ fn: "counter_inc", name, n, expect });
const set = (name: Op["name"], n: number, expect: string): Op => ({ fn: "gauge_set", name, n, expect });
const add = (name: Op["name"], n: number, expect: string): Op => ({ fn: "gauge_add", name, n, expect });

const PAGES = 1;
const MEMORY = PAGES * 65536;
const DATA = 1024;
const OUT_BUF = 32768;

const CASES: Case[] = [
  {
    name: "counter_inc adds non-negative deltas; a negative one is -2 and changes nothing",
    steps: [
      { ops: [inc("requests_total", 1, "0"), inc("requests_total", 0, "0"), inc("requests_total", 41, "0")] },
      { ops: [inc("requests_total", -1, "-2"), inc("requests_total", -2147483648, "-2"), inc("requests_total", 2147483647, "0")] },
    ],
  },
  {
    name: "labelled series: the name as declared, labels and all",
    steps: [
      {
        ops: [
          inc('responses_total{class="2xx"}', 3, "0"),
          inc('responses_total{class="4xx"}', 1, "0"),
          inc('multi_total{a="1",b="2"}', 5, "0"),
          inc('escaped_total{path="/a\\"b\\\\c\\nd"}', 1, "0"),
          inc('unicode_total{city="Zürich ✓"}', 2, "0"),
        ],
      },
    ],
  },
  {
    name: "undeclared names, other spellings and the other kind are -2",
    steps: [
      {
        ops: [
          inc("nope", 1, "-2"),
          inc("", 1, "-2"),
          inc("Requests_total", 1, "-2"),
          inc("requests_total ", 1, "-2"),
          inc("requests_total\u0000", 1, "-2"),
          inc("responses_total", 1, "-2"),
          inc('responses_total{class="5xx"}', 1, "-2"),
          inc('responses_total{class="2xx" }', 1, "-2"),
          inc('responses_total{class="2xx",}', 1, "-2"),
          inc('multi_total{b="2",a="1"}', 1, "-2"),
          inc('unicode_total{city="Zurich ✓"}', 1, "-2"),
          inc(Uint8Array.from([0xff]), 1, "-2"),
          inc(Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from("requests_total")]), 1, "-2"),
          inc("in_flight", 1, "-2"),
          set("requests_total", 5, "-2"),
          add("requests_total", 5, "-2"),
          set('temperature{room="c"}', 5, "-2"),
        ],
      },
    ],
  },
  {
    name: "gauges: set, and add (negative too)",
    steps: [
      { ops: [set("in_flight", 10, "0"), add("in_flight", -15, "0")] },
      {
        ops: [
          set('temperature{room="a"}', -2147483648, "0"),
          add('temperature{room="a"}', -2147483648, "0"),
          set('temperature{room="b"}', 2147483647, "0"),
          add('temperature{room="b"}', 1, "0"),
        ],
      },
    ],
  },
  {
    name: "negative pointers or lengths are -2",
    steps: [
      {
        ops: [
          inc({ ptr: -1, len: 4 }, 1, "-2"),
          inc({ ptr: DATA, len: -1 }, 1, "-2"),
          set({ ptr: -5, len: -5 }, 1, "-2"),
          add({ ptr: -1, len: 0 }, 1, "-2"),
        ],
      },
    ],
  },
  { name: "counter_inc: a name outside guest memory traps", steps: [{ trap: inc({ ptr: MEMORY - 2, len: 4 }, 1, "") }] },
  { name: "gauge_set: a name outside guest memory traps", steps: [{ trap: set({ ptr: MEMORY, len: 1 }, 1, "") }] },
  { name: "gauge_add: a name outside guest memory traps", steps: [{ trap: add({ ptr: 0, len: MEMORY + 1 }, 1, "") }] },
];

/** What both hosts serve after the table (nginx: GET /metrics; in-process: host.metrics.prometheus()). */
const EXPOSITION = [
  "# HELP requests_total declared by wasm_counter",
  "# TYPE requests_total counter",
  "requests_total 2147483689",
  "# HELP responses_total Responses by status class",
  "# TYPE responses_total counter",
  'responses_total{class="2xx"} 3',
  'responses_total{class="4xx"} 1',
  "# HELP multi_total declared by wasm_counter",
  "# TYPE multi_total counter",
  'multi_total{a="1",b="2"} 5',
  "# HELP escaped_total declared by wasm_counter",
  "# TYPE escaped_total counter",
  'escaped_total{path="/a\\"b\\\\c\\nd"} 1',
  "# HELP unicode_total declared by wasm_counter",
  "# TYPE unicode_total counter",
  'unicode_total{city="Zürich ✓"} 2',
  "# HELP help_escapes_total line one\\nline two \\\\ backslash",
  "# TYPE help_escapes_total counter",
  "help_escapes_total 0",
  "# HELP in_flight declared by wasm_gauge",
  "# TYPE in_flight gauge",
  "in_flight -5",
  "# HELP temperature declared by wasm_gauge",
  "# TYPE temperature gauge",
  'temperature{room="a"} -4294967296',
  'temperature{room="b"} 2147483648',
  "",
].join("\n");

/** The guest for a table: export c<case>_s<step> per step. */
function tableWat(cases: Case[]): string {
  const data = new Map<string, number>();
  let next = DATA;
  const segments: string[] = [];
  const place = (a: Op["name"]): Raw => {
    if (typeof a === "object" && !(a instanceof Uint8Array)) return a;
    const b = typeof a === "string" ? Buffer.from(a, "utf8") : Buffer.from(a);
    const hex = b.toString("hex");
    let ptr = data.get(hex);
    if (ptr === undefined) {
      ptr = next;
      next += b.length + 1;
      if (next > OUT_BUF) throw new Error("table data overflows the data area");
      data.set(hex, ptr);
      segments.push(`(data (i32.const ${ptr}) "${hex.replace(/../g, "\\$&")}")`);
    }
    return { ptr, len: b.length };
  };
  const c = (n: number): string => `(i32.const ${n | 0})`;
  const call = (op: Op): string => {
    const r = place(op.name);
    return `(call $ngx_wasm_metric_${op.fn} ${c(r.ptr)} ${c(r.len)} ${c(op.n)})`;
  };
  const exports: string[] = [];
  cases.forEach((cs, i) =>
    cs.steps.forEach((step, j) => {
      const ops = "trap" in step ? [step.trap] : step.ops;
      const body = ops.map((op) => `(call $num ${call(op)}) (call $byte (i32.const 10))`).join("\n    ");
      exports.push(`(func (export "c${i}_s${j}") (result i32)
    ${body}
    (drop (call $ngx_wasm_resp_write (i32.const ${OUT_BUF}) (global.get $olen)))
    (i32.const 0))`);
    }),
  );
  return `
  ;; the output accumulates at OUT_BUF and is written once at the end
  (global $olen (mut i32) (i32.const 0))
  (func $byte (param $b i32)
    (i32.store8 (i32.add (i32.const ${OUT_BUF}) (global.get $olen)) (local.get $b))
    (global.set $olen (i32.add (global.get $olen) (i32.const 1))))
  ;; a result in decimal: "-" for a negative one, then its digits (built at 0..15)
  (func $num (param $v i32) (local $m i32) (local $p i32)
    (if (i32.lt_s (local.get $v) (i32.const 0)) (then (call $byte (i32.const 45))))
    (local.set $m (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v) (i32.lt_s (local.get $v) (i32.const 0))))
    (local.set $p (i32.const 16))
    (loop $l
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $m) (i32.const 10))))
      (local.set $m (i32.div_u (local.get $m) (i32.const 10)))
      (br_if $l (local.get $m)))
    (loop $w
      (call $byte (i32.load8_u (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $w (i32.lt_u (local.get $p) (i32.const 16)))))
  ${segments.join("\n  ")}
  ${exports.join("\n  ")}
  `;
}

// ------------------------------------------------------------------ running a table

function describeOp(op: Op): string {
  const n = op.name;
  const shown =
    typeof n === "string" ? JSON.stringify(n) : n instanceof Uint8Array ? `<bytes ${Buffer.from(n).toString("hex")}>` : `{ptr ${n.ptr}, len ${n.len}}`;
  return `${op.fn}(${shown}, ${op.n})`;
}

const tableHttp = (ngx: Nginx, zone = "64k"): string => `
    wasm_metrics_zone table ${zone};
    ${metricDirectives(DECLARED)}
    server {
        listen ${ngx.listen()};
        location = /metrics { wasm_metrics; }
        ${tableLocations("wasm/metrics-table.wasm", CASES)}
    }`;

describe("metrics, raw ABI: in-process host", () => {
  let host: Host;
  let guest: Guest;
  beforeAll(async () => {
    host = new Host({ metrics: DECLARED });
    guest = await host.load(await abiGuest(tableWat(CASES), { memoryPages: PAGES }));
  });
  const th = tsTableHost(() => guest, () => host);
  CASES.forEach((cs, i) => it(cs.name, () => runSteps(th, i, cs.steps, describeOp)));
  it("then exports the Prometheus text of EXPOSITION", () => {
    expect(host.metrics.prometheus()).toBe(EXPOSITION);
  });
});

describe("metrics, raw ABI: nginx (2 workers)", () => {
  let ngx: Nginx;
  beforeAll(async () => {
    ngx = await Nginx.create("metrics-table", { workers: 2 });
    ngx.addFile("wasm/metrics-table.wasm", await abiGuest(tableWat(CASES), { memoryPages: PAGES }));
    await ngx.start(tableHttp(ngx));
  });
  afterAll(async () => {
    await ngx?.stop();
  });
  const th = nginxTableHost(() => ngx);
  CASES.forEach((cs, i) => it(cs.name, () => runSteps(th, i, cs.steps, describeOp)));
  it("then GET /metrics serves the Prometheus text of EXPOSITION (text/plain; version=0.0.4)", async () => {
    const res = await ngx.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.text).toBe(EXPOSITION);
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(EXPOSITION));
  });
  it("HEAD /metrics: the headers only; other methods: 405", async () => {
    const head = await ngx.fetch("/metrics", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(Number(head.headers["content-length"])).toBe(Buffer.byteLength(EXPOSITION));
    expect((await ngx.fetch("/metrics", { method: "POST", body: "x" })).status).toBe(405);
  });
});

// ------------------------------------------------------------------ declarations both hosts refuse

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** nginx's line for an emerg `message`, at a line of `file` (default: any file). */
const emerg = (message: string, file?: string): RegExp =>
  new RegExp(`\\[emerg\\] \\d+#\\d+: ${escapeRe(message)} in ${file === undefined ? "\\S+" : escapeRe(file)}:\\d+`);

interface Bad {
  decl: MetricDeclarations;
  message: string;
}

const BAD: Bad[] = [
  { decl: { counters: ["bad-name"] }, message: 'wasm_counter "bad-name": "bad-name" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' },
  { decl: { gauges: ["9lives"] }, message: 'wasm_gauge "9lives": "9lives" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' },
  { decl: { counters: [""] }, message: 'wasm_counter "": "" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' },
  { decl: { counters: ['x y{a="1"}'] }, message: 'wasm_counter "x y{a="1"}": "x y" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' },
  ...['x{a="1"', 'x{a="1"}y', 'x{a="1",}', 'x{a="1", b="2"}', "x{a=1}", 'x{a="1}', 'x{a ="1"}', "x{a}", 'x{a="1"}}', 'x{a="1"b="2"}'].map(
    (name): Bad => ({ decl: { counters: [name] }, message: `wasm_counter "${name}": labels are written {name="value",...}, without spaces` }),
  ),
  { decl: { counters: ["x{}"] }, message: 'wasm_counter "x{}": the label set is empty: write "x"' },
  ...["__a", "1a", "a:b", "a-b", "é"].map(
    (label): Bad => ({
      decl: { counters: [`x{${label}="1"}`] },
      message: `wasm_counter "x{${label}="1"}": "${label}" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)`,
    }),
  ),
  { decl: { counters: ['x{a="1",b="2",a="3"}'] }, message: 'wasm_counter "x{a="1",b="2",a="3"}": label "a" is repeated' },
  { decl: { gauges: ['x{a="\\q"}'] }, message: 'wasm_gauge "x{a="\\q"}": the value of label "a" has an escape other than \\\\, \\" and \\n' },
  { decl: { gauges: ['x{a="\\'] }, message: 'wasm_gauge "x{a="\\": the value of label "a" has an escape other than \\\\, \\" and \\n' },
  { decl: { gauges: ['x{a="line\nbreak"}'] }, message: 'wasm_gauge "x{a="line\nbreak"}": the value of label "a" has a line break (write it as \\n)' },
  { decl: { counters: ["x"], gauges: ["x"] }, message: 'wasm_gauge "x": "x" is already a counter (wasm_counter)' },
  { decl: { counters: ['x{a="1"}'], gauges: ['x{a="2"}'] }, message: 'wasm_gauge "x{a="2"}": "x" is already a counter (wasm_counter)' },
  { decl: { counters: ["x", "x"] }, message: 'wasm_counter "x": the same series as "x", declared before' },
  {
    decl: { counters: ['x{a="1",b="2"}', "x", 'x{b="2",a="1"}'] },
    message: 'wasm_counter "x{b="2",a="1"}": the same series as "x{a="1",b="2"}", declared before',
  },
  { decl: { counters: [{ name: "x", help: "" }] }, message: 'wasm_counter "x": the help text is empty' },
  {
    decl: { counters: [{ name: 'x{a="1"}', help: "one" }, 'x{a="2"}', { name: 'x{a="3"}', help: "two" }] },
    message: 'wasm_counter "x{a="3"}": the help text differs from the one given before for "x" ("one")',
  },
];

describe("metrics: bad declarations, the same message from both hosts", () => {
  let ngx: Nginx;
  beforeAll(async () => {
    ngx = await Nginx.create("metrics-decl");
  });

  for (const bad of BAD) {
    it(bad.message, async () => {
      expect(() => new Host({ metrics: bad.decl })).toThrow(bad.message);
      ngx.configure(`wasm_metrics_zone m 64k;\n    ${metricDirectives(bad.decl)}`);
      const t = await ngx.test();
      expect(t.ok).toBe(false);
      expect(t.output).toMatch(emerg(bad.message, ngx.configPath));
    });
  }

  it("a label value or help text that is not UTF-8 (nginx: bytes; in-process: a lone surrogate)", async () => {
    expect(() => new Host({ metrics: { counters: ['x{a="\uD800"}'] } })).toThrow('the value of label "a" is not valid UTF-8');
    expect(() => new Host({ metrics: { counters: [{ name: "x", help: "\uDC00" }] } })).toThrow('wasm_counter "x": the help text is not valid UTF-8');
    for (const [decl, message] of [
      [Buffer.from("wasm_counter 'x{a=\"\xc3\x28\"}';", "latin1"), 'the value of label "a" is not valid UTF-8'],
      [Buffer.from("wasm_counter 'x{a=\"\xed\xa0\x80\"}';", "latin1"), 'the value of label "a" is not valid UTF-8'],
      [Buffer.from("wasm_counter 'x{a=\"\xc0\xaf\"}';", "latin1"), 'the value of label "a" is not valid UTF-8'],
      [Buffer.from("wasm_counter x '\xff';", "latin1"), "the help text is not valid UTF-8"],
    ] as const) {
      const conf = ngx.renderConfig("wasm_metrics_zone m 64k;\n    @DECL@");
      const [before, after] = conf.split("@DECL@");
      ngx.addFile("nginx.conf", Buffer.concat([Buffer.from(before!), decl, Buffer.from(after!)]));
      const t = await ngx.test();
      expect(t.ok).toBe(false);
      expect(t.output).toContain(message);
    }
    ngx.configure("wasm_metrics_zone m 64k;\n    wasm_counter 'x{city=\"Zürich\"}' 'Straße ✓';");
    expect((await ngx.test()).ok).toBe(true);
  });
});

// ------------------------------------------------------------------ nginx only

/** nginx -t on this http block: its output. */
async function nginxTest(ngx: Nginx, http: string): Promise<{ ok: boolean; output: string }> {
  ngx.configure(http);
  return ngx.test();
}

describe("metrics in nginx: the zone", () => {
  let ngx: Nginx;
  beforeAll(async () => {
    ngx = await Nginx.create("metrics-zone");
  });
  afterAll(async () => {
    await ngx?.stop();
  });

  it("a declaration or wasm_metrics without a zone: nginx -t names it and where it is", async () => {
    let t = await nginxTest(ngx, "server { listen 127.0.0.1:1; }\n    wasm_counter hits;");
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(emerg('wasm_counter "hits" needs a wasm_metrics_zone (wasm_metrics_zone NAME SIZE; in the http block)', ngx.configPath));
    t = await nginxTest(ngx, `server { listen ${ngx.listen()};\n    location = /metrics { wasm_metrics; } }`);
    expect(t.ok).toBe(false);
    expect(t.output).toMatch(emerg("wasm_metrics needs a wasm_metrics_zone (wasm_metrics_zone NAME SIZE; in the http block)", ngx.configPath));
  });

  it("directive errors: a bad size, a second zone, a declaration outside http, wasm_metrics with arguments", async () => {
    let t = await nginxTest(ngx, "wasm_metrics_zone m lots;");
    expect(t.output).toMatch(emerg('wasm_metrics_zone "m": invalid size "lots"'));
    t = await nginxTest(ngx, "wasm_metrics_zone m 64k;\n    wasm_metrics_zone n 64k;");
    expect(t.output).toMatch(emerg('"wasm_metrics_zone" directive is duplicate'));
    t = await nginxTest(ngx, `wasm_metrics_zone m 64k;\n    server { listen ${ngx.listen()}; wasm_counter hits; }`);
    expect(t.output).toMatch(emerg('"wasm_counter" directive is not allowed here'));
    t = await nginxTest(ngx, `wasm_metrics_zone m 64k;\n    server { listen ${ngx.listen()}; location / { wasm_metrics on; } }`);
    expect(t.output).toMatch(emerg('invalid number of arguments in "wasm_metrics" directive'));
    t = await nginxTest(ngx, `wasm_metrics_zone m 64k;\n    server { listen ${ngx.listen()}; wasm_metrics; }`);
    expect(t.output).toMatch(emerg('"wasm_metrics" directive is not allowed here'));
  });

  it("a zone too small: nginx -t says the size it needs, which is enough and the least that is", async () => {
    const many = Array.from({ length: 600 }, (_, i) => `wasm_counter 'series_total{n="${i}"}';`).join("\n    ");
    let t = await nginxTest(ngx, `wasm_metrics_zone m 32k;\n    ${many}`);
    expect(t.ok).toBe(false);
    const need = /\[emerg\] \d+#\d+: wasm_metrics_zone "m" 32k is too small: it needs at least (\d+)k \(for 600 series\) in \S+nginx\.conf:\d+/.exec(t.output);
    expect(need, t.output).not.toBeNull();
    const k = Number(need![1]);
    expect(k).toBeGreaterThan(32);
    // one page less is refused with the same minimum
    t = await nginxTest(ngx, `wasm_metrics_zone m ${k - 4}k;\n    ${many}`);
    expect(t.output).toContain(`is too small: it needs at least ${k}k (for 600 series)`);
    // the minimum holds all of them: the zone is set up at nginx -t and at start
    await ngx.start(`wasm_metrics_zone m ${k}k;\n    ${many}\n    server { listen ${ngx.listen()}; location = /metrics { wasm_metrics; } }`);
    const res = await ngx.get("/metrics");
    expect(res.text.split("\n").filter((l) => l.startsWith("series_total{"))).toHaveLength(600);
    expect(res.text.startsWith("# HELP series_total declared by wasm_counter\n# TYPE series_total counter\n")).toBe(true);
    expect(ngx.errorLog()).not.toMatch(/\[(emerg|alert|crit)\]/);
    await ngx.stop();
    // nginx's own minimum for a zone: 8 pages
    t = await nginxTest(ngx, "wasm_metrics_zone m 16k;\n    wasm_counter hits;");
    expect(t.output).toMatch(/wasm_metrics_zone "m" 16k is too small: it needs at least 32k \(for 1 series\)/);
  });

  it("a zone and no metrics: wasm_metrics serves an empty page", async () => {
    await ngx.start(`wasm_metrics_zone m 32k;\n    server { listen ${ngx.listen()}; location = /metrics { wasm_metrics; } }`);
    const res = await ngx.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    expect(res.headers["content-length"]).toBe("0");
    await ngx.stop();
  });
});

describe("metrics in nginx: reloads", () => {
  let ngx: Nginx;
  const guest = (names: string[]) =>
    abiGuest(
      names
        .map((n, i) => `(data (i32.const ${1024 + 64 * i}) "${n}")
  (func (export "inc_${n}") (result i32) (call $ngx_wasm_metric_counter_inc (i32.const ${1024 + 64 * i}) (i32.const ${n.length}) (i32.const 1)))`)
        .join("\n  "),
    );
  const http = (zone: string, decls: string) => `
    wasm_metrics_zone m ${zone};
    ${decls}
    server {
        listen ${ngx.listen()};
        location = /metrics { wasm_metrics; }
        ${["a", "b", "c"].map((n) => `location = /inc/${n} { content_by_wasm wasm/inc.wasm inc_${n}; }`).join("\n        ")}
    }`;
  const hits = async (name: string, n: number) => {
    const statuses = [];
    for (let i = 0; i < n; i++) statuses.push((await ngx.get(`/inc/${name}`)).status);
    return statuses;
  };
  const values = async () =>
    Object.fromEntries(
      (await ngx.get("/metrics")).text
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split(" ") as [string, string]),
    );

  beforeAll(async () => {
    ngx = await Nginx.create("metrics-reload", { workers: 2 });
    ngx.addFile("wasm/inc.wasm", await guest(["a", "b", "c"]));
  });
  afterAll(async () => {
    await ngx?.stop();
  });

  it("the zone keeps each series' value while its name and size stay; a new size starts afresh", async () => {
    await ngx.start(http("64k", "wasm_counter a; wasm_counter b;"));
    expect(new Set(await hits("a", 5))).toEqual(new Set([200]));
    await hits("b", 7);
    expect(await values()).toEqual({ a: "5", b: "7" });

    // b no longer declared, c new: a keeps its value, c starts at 0, b is -2 (the guest returns it: 500)
    let r = await ngx.reload(http("64k", "wasm_counter a; wasm_counter c;"));
    expect(r.ok, r.output).toBe(true);
    expect(await values()).toEqual({ a: "5", c: "0" });
    await hits("a", 1);
    expect(await hits("b", 1)).toEqual([500]);
    await hits("c", 2);
    expect(await values()).toEqual({ a: "6", c: "2" });

    // b declared again: its value was kept in the zone
    r = await ngx.reload(http("64k", "wasm_counter c; wasm_counter b; wasm_counter a;"));
    expect(r.ok, r.output).toBe(true);
    expect(await values()).toEqual({ c: "2", b: "7", a: "6" });

    // a declared as a gauge: another series, from 0 (its counter_inc is -2)
    r = await ngx.reload(http("64k", "wasm_gauge a; wasm_counter b;"));
    expect(r.ok, r.output).toBe(true);
    expect(await values()).toEqual({ a: "0", b: "7" });
    expect(await hits("a", 1)).toEqual([500]);

    // another size: a fresh zone
    r = await ngx.reload(http("128k", "wasm_counter a; wasm_counter b;"));
    expect(r.ok, r.output).toBe(true);
    expect(await values()).toEqual({ a: "0", b: "0" });
  });
});

describe("metrics in nginx: the zone's i64 arithmetic, compiled from the module's header", () => {
  it("counters and gauges saturate at the i64 bounds, also when two processes add at once", async () => {
    await ensureModule(); // configures build/nginx-src, whose headers this needs
    const root = projectRoot();
    const src = join(root, "build", "nginx-src");
    const out = join(root, "build", "test-metrics");
    mkdirSync(out, { recursive: true });
    const exe = join(out, `metrics-values.${process.pid}`);
    const incs = ["src/core", "src/event", "src/event/modules", "src/os/unix", "objs"].flatMap((d) => ["-I", join(src, d)]);
    await execFileP("cc", ["-O2", "-Wall", "-Wextra", "-Werror", ...incs, "-I", join(root, "nginx", "module"), "-o", exe, join(root, "test", "areas", "metrics-values.c")]);
    const { stdout } = await execFileP(exe).finally(() => rmSync(exe, { force: true }));
    expect(stdout.trim().split("\n")).toEqual([
      "0 + 41 + 1 = 42",
      "max - 5 + 2147483647 = 9223372036854775807",
      "then + 1 + 0 = 9223372036854775807",
      "max - 2147483647 + 2147483647 = 9223372036854775807",
      "min + 1 - 10 = -9223372036854775808",
      "then - 2147483648 + 7 = -9223372036854775801",
      "2^62 - 3 + 10 + 10 - 30 = 4611686018427387891",
      "-2^62 + 3 - 10 + 20 = -4611686018427387891",
      "2 processes x 1000000 x (+1) from 0 = 2000000",
      "2 processes x 1000000 x (+1, -1) from 0 = 0",
      "2 processes x 1000 x (+2147483647) from max - 2^40 = 9223372036854775807",
      "2 processes x 1000 x (-2147483648) from min + 2^40 = -9223372036854775808",
      "2 processes x 100000 x (+1) from max - 150000 = 9223372036854775807",
    ]);
  });
});
