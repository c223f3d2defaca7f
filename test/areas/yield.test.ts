// ABI area "yield" (ngx_wasm_yield) at the raw ABI, on both hosts from one
// table (runner.ts). A yield returns 0; the export returns and is invoked
// again on the same instance (globals and memory kept), bounded by
// wasm_max_invocations (nginx) / maxInvocations (TS host).
import { areaSuite, phaseGateCases, type AreaCase } from "./runner.js";

/**
 * Yield `times` times (global $<g> counts the invocations, $<g>_rc sums what
 * yield returned), then report "yields=N;rc-sum=S;" and go on with `after`.
 */
function yieldThenReport(g: string, times: number, after = ""): Pick<AreaCase, "fields" | "wat"> {
  return {
    fields: `(global $${g} (mut i32) (i32.const 0)) (global $${g}_rc (mut i32) (i32.const 0))`,
    wat: `(if (i32.lt_s (global.get $${g}) (i32.const ${times}))
        (then
          (global.set $${g} (i32.add (global.get $${g}) (i32.const 1)))
          (global.set $${g}_rc (i32.add (global.get $${g}_rc) (call $ngx_wasm_yield)))
          (return (i32.const 0))))
      (call $say (str "yields=")) (call $num (global.get $${g}))
      (call $say (str ";rc-sum=")) (call $num (global.get $${g}_rc)) (call $say (str ";"))
      ${after}`,
  };
}

const CASES: AreaCase[] = [
  {
    name: "yield in content: 0, the export runs again with its globals kept",
    phase: "content",
    ...yieldThenReport("y_content", 3),
    expect: { report: "yields=3;rc-sum=0;", status: 200 },
  },
  {
    name: "yield in rewrite, then fall through",
    phase: "rewrite",
    ...yieldThenReport("y_rewrite", 2),
    report: "reqheader",
    expect: { fellThrough: true, requestHeaders: { "x-report": "yields=2;rc-sum=0;" } },
  },
  {
    name: "yield in access, then answer",
    phase: "access",
    ...yieldThenReport("y_access", 2, `(drop (call $ngx_wasm_resp_set_status (i32.const 403)))`),
    expect: { fellThrough: false, status: 403, report: "yields=2;rc-sum=0;" },
  },
  {
    name: "yield in server_rewrite, then answer",
    phase: "server_rewrite",
    ...yieldThenReport("y_server", 1),
    expect: { fellThrough: false, status: 200, report: "yields=1;rc-sum=0;" },
  },
  {
    name: "memory is kept across re-invocations",
    phase: "content",
    fields: "(global $y_mem (mut i32) (i32.const 0))",
    wat: `(if (i32.eqz (global.get $y_mem))
        (then
          (global.set $y_mem (i32.const 1))
          (i32.store (i32.add (global.get $BUF) (i32.const 1000)) (i32.const 0x21706f6b))
          (drop (call $ngx_wasm_yield))
          (return (i32.const 0))))
      (call $say (i32.add (global.get $BUF) (i32.const 1000)) (i32.const 4))`,
    expect: { report: "kop!" },
  },
  {
    name: "a body written before the yield is sent after the last invocation",
    phase: "content",
    fields: "(global $y_body (mut i32) (i32.const 0))",
    wat: `(if (i32.eqz (global.get $y_body))
        (then
          (global.set $y_body (i32.const 1))
          (drop (call $ngx_wasm_resp_write (str "written before the yield")))
          (drop (call $ngx_wasm_resp_set_status (i32.const 202)))
          (drop (call $ngx_wasm_yield))))`,
    report: "none",
    expect: { status: 202, body: "written before the yield" },
  },
  {
    name: "a non-zero return after a yield fails the request",
    phase: "content",
    fields: "(global $y_fail (mut i32) (i32.const 0))",
    wat: `(if (i32.eqz (global.get $y_fail))
        (then (global.set $y_fail (i32.const 1)) (drop (call $ngx_wasm_yield)) (return (i32.const 0))))
      (return (i32.const 9))`,
    expect: { returned: 9, status: 500 },
  },
  {
    name: "4 yields under wasm_max_invocations 5: 5 invocations, fine",
    phase: "content",
    ...yieldThenReport("y_bound_ok", 4),
    maxInvocations: 5,
    expect: { report: "yields=4;rc-sum=0;", status: 200 },
  },
  {
    name: "5 yields under wasm_max_invocations 5: the request fails with 500",
    phase: "content",
    ...yieldThenReport("y_bound_over", 5),
    maxInvocations: 5,
    expect: { failed: /too many re-invocations/, status: 500 },
  },
  {
    name: "yielding for ever stops at the bound",
    phase: "rewrite",
    wat: `(drop (call $ngx_wasm_yield))`,
    report: "none",
    maxInvocations: 20,
    expect: { failed: /too many re-invocations/, status: 500 },
  },
  ...phaseGateCases("yield"),
];

areaSuite("ABI area yield (ngx_wasm_yield)", CASES);
