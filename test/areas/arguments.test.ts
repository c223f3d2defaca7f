// The argument rules of every ABI function with (ptr, len) parameters,
// generated from host-abi/abi.json: a parameter ending in `ptr` followed by
// one ending in `len` is a range of guest memory. For each such range of
// each function, called from a phase that allows it, with every other
// argument valid:
//
//   a negative pointer                          → -2
//   a negative length                           → -2
//   a range straddling the end of memory        → trap, the message names the function
//   a length larger than memory (from 0)        → trap, the message names the function
//   a zero-length range at the very end         → no trap (the function's own answer)
//   out of range, while another range is negative → -2 (negatives are checked first)
//
// On the in-process host for every function, on nginx for the functions of
// the areas it implements (runner.ts): the check that both hosts apply the
// same rules in the same order. The other ranges hold values the call would
// not find (an absent header, an unknown variable, a missing key), so a host
// that looks something up before checking every range shows up here.
//
// What is hand-written is only what a valid call needs (SETUP: a phase, the
// bytes of the other ranges, a request) and what a zero-length range at the
// end returns; a function abi.json adds without a SETUP entry fails the file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { HOST_FUNCTIONS, type HostFunctionInfo, type Phase } from "../../host-abi/tables.js";
import type { SubrequestReply } from "../../host/index.js";
import { areaSuite, BUF, PAGE, str, validScalar, type AreaCase, type AreaRequest, type UpstreamResponse } from "./runner.js";

const MEM = PAGE;

interface Range {
  /** the parameter name before `_ptr` ("ptr" when it is just `ptr`) */
  label: string;
  /** index of the ptr parameter */
  at: number;
}

/** The (ptr, len) parameter pairs of a function, from its parameter names. */
function rangesOf(f: HostFunctionInfo): Range[] {
  return f.params.flatMap((p, i) =>
    p.endsWith("ptr") && f.params[i + 1]?.endsWith("len") ? [{ label: p === "ptr" ? "ptr" : p.slice(0, -"_ptr".length), at: i }] : [],
  );
}

const FUNCTIONS = HOST_FUNCTIONS.filter((f) => rangesOf(f).length > 0);

/** A valid range: these bytes (a data segment), or `buf` bytes of BUF. */
type Valid = string | { buf: number };

interface Setup {
  phase: Phase;
  /** one per range, in order */
  valid: Valid[];
  /** per range: what the function returns for a zero-length range at the very end of memory */
  zeroAtEnd: number[];
  request?: AreaRequest;
  response?: UpstreamResponse;
  /** run the call in the invocation after a finished subrequest (its getters need one) */
  afterSubrequest?: boolean;
  /** the call launches a subrequest: return at once when re-invoked */
  launches?: boolean;
  ts?: AreaCase["ts"];
}

const fixture = (f: string): string => readFileSync(join(projectRoot(), "test", "host", "fixtures", f), "utf8");
const subreply = (): SubrequestReply => ({ status: 200, headers: { "X-Sub": "v" }, body: "sub body" });
const BUF64 = { buf: 64 };

const SETUP: Record<string, Setup> = {
  ngx_wasm_log: { phase: "content", valid: ["m"], zeroAtEnd: [0] },
  ngx_wasm_resp_set_header: { phase: "content", valid: ["X-A", "v"], zeroAtEnd: [-2, 0] },
  ngx_wasm_resp_get_header: { phase: "content", valid: ["X-Absent", BUF64], zeroAtEnd: [-1, -1] },
  ngx_wasm_resp_write: { phase: "content", valid: ["w"], zeroAtEnd: [0] },
  ngx_wasm_resp_get_body_chunk: { phase: "body_filter", valid: [BUF64], zeroAtEnd: [5], response: { body: "chunk" } },
  ngx_wasm_resp_set_body_chunk: { phase: "body_filter", valid: ["c"], zeroAtEnd: [0], response: { body: "chunk" } },
  ngx_wasm_req_get_header: { phase: "content", valid: ["X-Absent", BUF64], zeroAtEnd: [-1, -1] },
  ngx_wasm_req_set_header: { phase: "content", valid: ["X-A", "v"], zeroAtEnd: [-2, 0] },
  ngx_wasm_req_get_body: { phase: "content", valid: [BUF64], zeroAtEnd: [3], request: { method: "POST", body: "abc" } },
  // an empty variable name is an unknown variable (-1), as var_get/var_set answer for any name nginx lacks
  ngx_wasm_var_get: { phase: "content", valid: ["no_such_variable_here", BUF64], zeroAtEnd: [-1, -1] },
  ngx_wasm_var_set: { phase: "content", valid: ["no_such_variable_here", "v"], zeroAtEnd: [-1, -1] },
  ngx_wasm_time_unix_ms: { phase: "content", valid: [{ buf: 8 }], zeroAtEnd: [-2] },
  ngx_wasm_time_monotonic_ms: { phase: "content", valid: [{ buf: 8 }], zeroAtEnd: [-2] },
  ngx_wasm_shm_get: { phase: "content", valid: ["args:get", BUF64], zeroAtEnd: [-2, -1] },
  ngx_wasm_shm_exists: { phase: "content", valid: ["args:exists"], zeroAtEnd: [-2] },
  ngx_wasm_shm_set: { phase: "content", valid: ["args:set", "v"], zeroAtEnd: [-2, 0] },
  ngx_wasm_shm_set_ex: { phase: "content", valid: ["args:set_ex", "v"], zeroAtEnd: [-2, 0] },
  ngx_wasm_shm_add: { phase: "content", valid: ["args:add", "v"], zeroAtEnd: [-2, 0] },
  ngx_wasm_shm_replace: { phase: "content", valid: ["args:replace", "v"], zeroAtEnd: [-2, -1] },
  ngx_wasm_shm_incr: { phase: "content", valid: ["args:incr"], zeroAtEnd: [-2] },
  ngx_wasm_shm_delete: { phase: "content", valid: ["args:delete"], zeroAtEnd: [-2] },
  ngx_wasm_metric_counter_inc: { phase: "content", valid: ["args_counter"], zeroAtEnd: [-2] },
  ngx_wasm_metric_gauge_set: { phase: "content", valid: ["args_gauge"], zeroAtEnd: [-2] },
  ngx_wasm_metric_gauge_add: { phase: "content", valid: ["args_gauge"], zeroAtEnd: [-2] },
  ngx_wasm_subreq_set_header: { phase: "content", valid: ["X-A", "v"], zeroAtEnd: [-2, 0] },
  ngx_wasm_subreq: { phase: "content", valid: ["/sub", "a=1"], zeroAtEnd: [-2, 0], launches: true, ts: { subrequest: subreply } },
  ngx_wasm_subreq_get_header: { phase: "content", valid: ["X-Absent", BUF64], zeroAtEnd: [-1, -1], afterSubrequest: true, ts: { subrequest: subreply } },
  ngx_wasm_subreq_get_body: { phase: "content", valid: [BUF64], zeroAtEnd: [0], afterSubrequest: true, ts: { subrequest: subreply } },
  ngx_wasm_ssl_get_server_name: { phase: "ssl_certificate", valid: [BUF64], zeroAtEnd: [6], ts: { ssl: { serverName: "a.test" } } },
  ngx_wasm_ssl_set_certificate: { phase: "ssl_certificate", valid: [fixture("test.crt"), fixture("test.key")], zeroAtEnd: [-2, -2], ts: { ssl: { serverName: "a.test" } } },
};

const DECLARED = { counters: ["args_counter"], gauges: ["args_gauge"] };

/** A range argument: (ptr, len) operands. */
type RangeArg = { ptr: number; len: number } | Valid;

function rangeOperands(r: RangeArg): string {
  if (typeof r === "string") return str(r);
  if ("buf" in r) return `(global.get $BUF) (i32.const ${r.buf})`;
  return `(i32.const ${r.ptr | 0}) (i32.const ${r.len | 0})`;
}

/** The call with range `k` replaced by `test` (and others by `others[j]` when given). */
function call(f: HostFunctionInfo, setup: Setup, replaced: Map<number, RangeArg>): string {
  const ranges = rangesOf(f);
  const args: string[] = [];
  for (let i = 0; i < f.params.length; i++) {
    const k = ranges.findIndex((r) => r.at === i);
    if (k >= 0) {
      args.push(rangeOperands(replaced.get(k) ?? setup.valid[k]!));
      i++;
    } else {
      args.push(`(i32.const ${validScalar(f.params[i]!)})`);
    }
  }
  return `(call $${f.name} ${args.join(" ")})`;
}

const validLength = (v: Valid): number => (typeof v === "string" ? Buffer.byteLength(v) : v.buf);

let subStep = 0;
/** The export body around the call: a subrequest first, or a guard against the re-invocation a launch causes. */
function around(setup: Setup, body: string): Pick<AreaCase, "fields" | "wat"> {
  if (setup.afterSubrequest) {
    const g = `$args_sub_${subStep++}`;
    return {
      fields: `(global ${g} (mut i32) (i32.const 0))`,
      wat: `(if (i32.eqz (global.get ${g}))
          (then
            (global.set ${g} (i32.const 1))
            (if (i32.eqz (call $ngx_wasm_subreq (str "/sub") (global.get $BUF) (i32.const 0) (i32.const 0) (i32.const 1)))
              (then (return (i32.const 0))))))
        ${body}`,
    };
  }
  if (setup.launches) {
    const g = `$args_once_${subStep++}`;
    return {
      fields: `(global ${g} (mut i32) (i32.const 0))`,
      wat: `(if (global.get ${g}) (then (return (i32.const 0)))) (global.set ${g} (i32.const 1)) ${body}`,
    };
  }
  return { wat: body };
}

function rows(f: HostFunctionInfo): AreaCase[] {
  const setup = SETUP[f.name];
  if (!setup) return [];
  const ranges = rangesOf(f);
  const out: AreaCase[] = [];
  const trap = new RegExp(`${f.name}\\b.*outside guest memory`);
  const status = setup.phase === "content" ? 500 : undefined;
  const row = (what: string, replaced: Map<number, RangeArg>, expectation: AreaCase["expect"]): void => {
    out.push({
      name: `${f.name}: ${what}`,
      phase: setup.phase,
      ...around(setup, `(call $rc ${call(f, setup, replaced)})`),
      request: setup.request,
      response: setup.response,
      ts: setup.ts,
      expect: expectation,
    });
  };
  ranges.forEach((r, k) => {
    const len = validLength(setup.valid[k]!);
    row(`${r.label}: a negative pointer → -2`, new Map([[k, { ptr: -1, len }]]), { report: "rc=-2;" });
    row(`${r.label}: a negative length → -2`, new Map([[k, { ptr: BUF, len: -1 }]]), { report: "rc=-2;" });
    row(`${r.label}: a range straddling the end of memory traps, naming the function`, new Map([[k, { ptr: MEM - 4, len: 8 }]]), { trap, status });
    row(`${r.label}: a length larger than memory traps, naming the function`, new Map([[k, { ptr: 0, len: 0x7fffffff }]]), { trap, status });
    row(`${r.label}: a zero-length range at the very end of memory does not trap (${setup.zeroAtEnd[k]})`, new Map([[k, { ptr: MEM, len: 0 }]]), {
      report: `rc=${setup.zeroAtEnd[k]};`,
    });
    ranges.forEach((other, j) => {
      if (j === k) return;
      row(
        `${r.label} straddles the end while ${other.label} has a negative pointer → -2 (negatives first)`,
        new Map<number, RangeArg>([
          [k, { ptr: MEM - 4, len: 8 }],
          [j, { ptr: -1, len: validLength(setup.valid[j]!) }],
        ]),
        { report: "rc=-2;" },
      );
    });
  });
  return out;
}

describe("argument rules: the table covers abi.json", () => {
  it("every function with (ptr, len) parameters has a SETUP entry with a zero-length answer per range", () => {
    for (const f of FUNCTIONS) {
      const setup = SETUP[f.name];
      expect(setup, `${f.name} (ranges ${rangesOf(f).map((r) => r.label).join(", ")}) needs a SETUP entry`).toBeDefined();
      expect(setup!.valid.length, `${f.name}: one valid value per range`).toBe(rangesOf(f).length);
      expect(setup!.zeroAtEnd.length, `${f.name}: one zero-length answer per range`).toBe(rangesOf(f).length);
      expect(f.phases, `${f.name}: SETUP's phase is one abi.json allows`).toContain(setup!.phase);
    }
    expect(Object.keys(SETUP).sort(), "SETUP has no entry abi.json lacks").toEqual(FUNCTIONS.map((f) => f.name).sort());
  });
});

areaSuite("argument rules of every (ptr, len) parameter, from abi.json", FUNCTIONS.flatMap(rows), {
  host: { metrics: DECLARED },
  nginxHttp: `wasm_shm_zone args 64k;
    wasm_metrics_zone args_metrics 64k;
    wasm_counter args_counter;
    wasm_gauge args_gauge;`,
});
