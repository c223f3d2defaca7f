import { describe, expect, it } from "vitest";
import { HOST_FUNCTIONS, PHASES, type Phase } from "../../host-abi/tables.js";
import { Host } from "../../host/index.js";
import { abiGuest } from "../support/wat.js";
import { data, runHandler, str } from "./helpers.js";

describe("guest traps never throw out of run()", () => {
  const cases: [string, string, string, string][] = [
    ["unreachable", "(unreachable)", "", "unreachable"],
    ["out_of_bounds", "(i32.load (i32.const 70000))", "", "memory access out of bounds"],
    ["integer_divide_by_zero", "(i32.div_s (i32.const 1) (i32.const 0))", "", "divide by zero"],
    ["integer_overflow", "(i32.div_s (i32.const -2147483648) (i32.const -1))", "", "divide result unrepresentable"],
    ["invalid_conversion", "(i32.trunc_f32_s (f32.const nan))", "", "float unrepresentable in integer range"],
    ["indirect_call", "(call_indirect (type $t) (i32.const 5))", "(type $t (func (result i32))) (table 1 funcref)", "table index is out of bounds"],
    ["stack_exhaustion", "(call $deep)", "(func $deep (result i32) (call $deep))", "call stack exhausted"],
  ];
  for (const [kind, body, items, message] of cases) {
    it(`maps ${kind}`, async () => {
      const r = await runHandler({ body, items });
      expect(r.ok).toBe(false);
      expect(r.trap).toEqual({ kind, message });
      expect(r.status).toBe(500);
      expect(r.error).toBe(`guest "test" export "handler" (phase content) trapped: ${kind}: ${message}`);
    });
  }

  it("a non-zero return is a failure with nginx's error line; what the guest wrote is dropped", async () => {
    const r = await runHandler({
      items: data(0, "partial"),
      body: `(drop (call $ngx_wasm_resp_write ${str(0, "partial")})) (i32.const 7)`,
    });
    expect(r).toMatchObject({ ok: false, status: 500, body: "", headers: {}, returnCode: 7, trap: undefined });
    expect(r.error).toBe(`guest "test" export "handler" (phase content) returned 7`);
  });

  it("the host keeps working after a trap, with a fresh instance per run", async () => {
    const host = new Host();
    const guest = await host.load(
      await abiGuest(`
        (global $calls (mut i32) (i32.const 0))
        (func (export "on_content") (result i32)
          (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
          (if (i32.eq (global.get $calls) (i32.const 2)) (then unreachable))
          (i32.const 0))`),
    );
    // $calls restarts at 0 in every run, so the trap on the second call never fires.
    for (let i = 0; i < 3; i++) expect((await host.run(guest, { phase: "content" })).ok).toBe(true);
  });

  it("a guest that traps after memory.grow was refused at maxMemoryPages fails with memory_limit, in nginx's words", async () => {
    const r = await runHandler(
      { body: `(if (i32.eq (memory.grow (i32.const 4)) (i32.const -1)) (then unreachable)) (i32.const 0)` },
      {},
      new Host({ maxMemoryPages: 2 }),
    );
    expect(r.trap).toEqual({ kind: "memory_limit", message: "memory limit (128 KiB) reached" });
    expect(r.error).toBe(`guest "test" export "handler" (phase content) trapped: memory_limit: memory limit (128 KiB) reached`);
  });

  it("a host call from the start function is refused", async () => {
    const host = new Host();
    const guest = await host.load(
      await abiGuest(`
        (func $start (drop (call $ngx_wasm_resp_get_status)))
        (start $start)
        (func (export "on_content") (result i32) (i32.const 0))`),
    );
    const r = await host.run(guest, { phase: "content" });
    expect(r.ok).toBe(false);
    expect(r.trap?.kind).toBe("phase_violation");
    expect(r.trap?.message).toMatch(/ngx_wasm_resp_get_status was called outside a handler/);
  });
});

describe("phase rules from the generated table", () => {
  // For each function: one phase where it is forbidden (traps) and one where it is allowed (does not trap).
  const phaseNames = PHASES.map((p) => p.name);
  const args = (n: number) => "(i32.const 0) ".repeat(n);
  const samples = HOST_FUNCTIONS.flatMap((f) => {
    const forbidden = phaseNames.filter((p) => !f.phases.includes(p));
    // spread the sample over the phases instead of always taking the first one
    const pick = (list: readonly Phase[]) => list[f.name.length % list.length]!;
    return [
      ...(forbidden.length ? [{ fn: f, phase: pick(forbidden), allowed: false }] : []),
      { fn: f, phase: pick(f.phases), allowed: true },
    ];
  });

  it("covers every function and every phase", () => {
    expect(new Set(samples.map((s) => s.fn.name)).size).toBe(HOST_FUNCTIONS.length);
    expect(new Set(samples.map((s) => s.phase))).toEqual(new Set(phaseNames));
  });

  for (const { fn, phase, allowed } of samples) {
    it(`${fn.name} ${allowed ? "runs" : "traps"} in ${phase}`, async () => {
      // $done: call once, so that yield/subreq do not ask for re-invocation forever
      const r = await runHandler(
        {
          items: "(global $done (mut i32) (i32.const 0))",
          body: `(if (global.get $done) (then (return (i32.const 0)))) (global.set $done (i32.const 1))
            (drop (call $${fn.name} ${args(fn.params.length)})) (i32.const 0)`,
        },
        { phase, request: { body: "" }, ssl: { serverName: "a" } },
      );
      if (allowed) {
        expect(r.trap).toBeUndefined();
        expect(r.ok).toBe(true);
      } else {
        expect(r.ok).toBe(false);
        expect(r.trap).toEqual({
          kind: "phase_violation",
          message: `${fn.name} is not allowed in phase ${phase} (allowed in: ${fn.phases.join(", ")})`,
        });
        expect(r.error).toContain(`(phase ${phase}) trapped: phase_violation: ${fn.name} is not allowed`);
      }
    });
  }
});

describe("pointer and length rules", () => {
  const getters = [
    "ngx_wasm_req_get_header", "ngx_wasm_resp_get_header", "ngx_wasm_var_get", "ngx_wasm_shm_get", "ngx_wasm_subreq_get_header",
  ];
  for (const fn of getters) {
    it(`${fn}: a negative pointer or length returns -2`, async () => {
      for (const argList of ["-1 1 0 0", "0 -1 0 0", "0 1 -1 0", "0 1 0 -1"]) {
        const operands = argList.split(" ").map((a) => `(i32.const ${a})`).join(" ");
        const r = await runHandler(`(call $${fn} ${operands})`);
        expect(r.returnCode, argList).toBe(-2);
        expect(r.trap).toBeUndefined();
      }
    });
  }

  it("a range outside guest memory traps with bad_pointer (name and buffer alike)", async () => {
    const outside = await runHandler(`(call $ngx_wasm_req_get_header (i32.const 65530) (i32.const 10) (i32.const 0) (i32.const 0))`);
    expect(outside.trap).toEqual({
      kind: "bad_pointer",
      message: "ngx_wasm_req_get_header name: range [65530, 65540) is outside guest memory (65536 bytes)",
    });
    const buffer = await runHandler(
      { items: data(0, "host"), body: `(call $ngx_wasm_req_get_header ${str(0, "host")} (i32.const 65535) (i32.const 2))` },
      { request: { headers: { Host: "x" } } },
    );
    expect(buffer.trap?.kind).toBe("bad_pointer");
    const write = await runHandler(`(call $ngx_wasm_resp_write (i32.const 65536) (i32.const 1))`);
    expect(write.trap?.kind).toBe("bad_pointer");
    // an empty range at the very end is inside
    const empty = await runHandler(`(call $ngx_wasm_resp_write (i32.const 65536) (i32.const 0))`);
    expect(empty.ok).toBe(true);
  });

  it("getters return the full length and copy only what fits", async () => {
    const r = await runHandler(
      {
        items: data(0, "x-long"),
        // fill 100..110 with '#', copy into 4 bytes, then write out 10 bytes: 4 copied + 6 untouched;
        // the returned length comes back as status 200 + len
        body: `(memory.fill (i32.const 100) (i32.const 35) (i32.const 10))
          (drop (call $ngx_wasm_resp_set_status (i32.add (i32.const 200)
            (call $ngx_wasm_req_get_header ${str(0, "x-long")} (i32.const 100) (i32.const 4)))))
          (drop (call $ngx_wasm_resp_write (i32.const 100) (i32.const 10)))
          (i32.const 0)`,
      },
      { request: { headers: { "X-Long": "abcdefghijklmnop" } } },
    );
    expect(r.status).toBe(216);
    expect(r.body).toBe("abcd######");
  });
});
