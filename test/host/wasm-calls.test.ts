// readCallGraph: which ABI imports each export can reach, on hand-written
// modules for each rule (direct calls, static function references, unknown
// indirect calls, the start function, unknown instructions) and on a built
// multi-phase example.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readCallGraph } from "../../host/wasm-calls.js";
import { abiGuest, wat } from "../support/wat.js";
import { buildGuest } from "../support/guests.js";

const sorted = (names: string[] | undefined) => [...(names ?? [])].sort();

describe("readCallGraph", () => {
  it("follows direct calls through shared helpers, and only from the export asked about", async () => {
    const graph = readCallGraph(
      await abiGuest(`
        (func $shared (drop (call $ngx_wasm_log (i32.const 1) (i32.const 0) (i32.const 0))))
        (func $write (drop (call $ngx_wasm_resp_write (i32.const 0) (i32.const 0))) (call $shared))
        (func (export "on_content") (result i32) (call $write) (i32.const 0))
        (func (export "on_log") (result i32) (call $shared) (i32.const 0))`),
    );
    expect(sorted(graph.importsReachableFrom("on_content"))).toEqual(["ngx_wasm_log", "ngx_wasm_resp_write"]);
    expect(graph.importsReachableFrom("on_log")).toEqual(["ngx_wasm_log"]);
    expect(graph.importsReachableFrom("on_nothing")).toBeUndefined();
  });

  it("resolves a call_indirect through a function reference in static data (AssemblyScript's closures)", async () => {
    // Table slots 1 and 2; static data holds slot numbers at 16 (→ 1) and 32 (→ 2).
    const graph = readCallGraph(
      await abiGuest(`
        (type $void (func))
        (table 3 3 funcref)
        (elem (i32.const 1) $write $log)
        (data (i32.const 16) "\\01\\00\\00\\00")
        (data (i32.const 32) "\\02\\00\\00\\00")
        (func $write (drop (call $ngx_wasm_resp_write (i32.const 0) (i32.const 0))))
        (func $log (drop (call $ngx_wasm_log (i32.const 1) (i32.const 0) (i32.const 0))))
        (func (export "on_content") (result i32) (call_indirect (type $void) (i32.load (i32.const 16))) (i32.const 0))
        (func (export "on_log") (result i32) (call_indirect (type $void) (i32.load (i32.const 32))) (i32.const 0))`),
    );
    expect(graph.importsReachableFrom("on_content")).toEqual(["ngx_wasm_resp_write"]);
    expect(graph.importsReachableFrom("on_log")).toEqual(["ngx_wasm_log"]);
  });

  it("resolves a call_indirect through a global to the function references reachable code stores in it", async () => {
    // The SDK's body write: $hook starts at a no-op (16 → slot 1); only $print stores $write's object (32 → slot 2).
    const graph = readCallGraph(
      await abiGuest(`
        (type $void (func))
        (table 3 3 funcref)
        (elem (i32.const 1) $noop $write)
        (data (i32.const 16) "\\01")
        (data (i32.const 32) "\\02")
        (global $hook (mut i32) (i32.const 16))
        (func $noop)
        (func $write (drop (call $ngx_wasm_resp_write (i32.const 0) (i32.const 0))))
        (func $print (global.set $hook (i32.const 32)))
        (func $flush (call_indirect (type $void) (i32.load (global.get $hook))))
        (func (export "on_content") (result i32) (call $print) (call $flush) (i32.const 0))
        (func (export "on_body") (result i32) (call $flush) (i32.const 0))
        (func (export "on_other") (result i32) (global.set $hook (i32.add (i32.const 16) (i32.const 16))) (call $flush) (i32.const 0))`),
    );
    expect(graph.importsReachableFrom("on_content")).toEqual(["ngx_wasm_resp_write"]);
    expect(graph.importsReachableFrom("on_body")).toEqual([]);
    // a computed value in the global: any function a table holds
    expect(graph.importsReachableFrom("on_other")).toEqual(["ngx_wasm_resp_write"]);
  });

  it("takes any other call_indirect to reach every function a table can hold", async () => {
    const graph = readCallGraph(
      await abiGuest(`
        (type $void (func))
        (table 2 2 funcref)
        (elem (i32.const 0) $write $log)
        (func $write (drop (call $ngx_wasm_resp_write (i32.const 0) (i32.const 0))))
        (func $log (drop (call $ngx_wasm_log (i32.const 1) (i32.const 0) (i32.const 0))))
        (func $call (param $slot i32) (call_indirect (type $void) (local.get $slot)))
        (func (export "on_log") (result i32) (call $call (i32.const 1)) (i32.const 0))`),
    );
    expect(sorted(graph.importsReachableFrom("on_log"))).toEqual(["ngx_wasm_log", "ngx_wasm_resp_write"]);
  });

  it("counts the start function for every export", async () => {
    const graph = readCallGraph(
      await abiGuest(`
        (func $init (drop (call $ngx_wasm_shm_get (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))
        (start $init)
        (func (export "on_log") (result i32) (i32.const 0))`),
    );
    expect(graph.importsReachableFrom("on_log")).toEqual(["ngx_wasm_shm_get"]);
  });

  it("gives up on a module with an instruction it does not know: every export reaches every import", async () => {
    const bytes = await wat(`(module
      (import "env" "ngx_wasm_log" (func $log (param i32 i32 i32) (result i32)))
      (import "env" "ngx_wasm_resp_write" (func $write (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func $w (drop (call $write (i32.const 0) (i32.const 0))))
      (func (export "on_log") (result i32) (drop (i32x4.extract_lane 0 (v128.const i32x4 0 0 0 0))) (i32.const 0)))`);
    expect(sorted(readCallGraph(bytes).importsReachableFrom("on_log"))).toEqual(["ngx_wasm_log", "ngx_wasm_resp_write"]);
  });

  it("keeps resp_write out of a body filter written with handle(), and in a content handler that prints", async () => {
    const graph = readCallGraph(new Uint8Array(readFileSync(await buildGuest("test/fixtures/guests/two-phases"))));
    expect(graph.importsReachableFrom("on_content")).toContain("ngx_wasm_resp_write");
    expect(graph.importsReachableFrom("on_body")).not.toContain("ngx_wasm_resp_write");
    expect(graph.importsReachableFrom("on_body")).toContain("ngx_wasm_resp_set_body_chunk");
  });

  it("separates the uppercase example's header filter from its body filter", async () => {
    const graph = readCallGraph(new Uint8Array(readFileSync(await buildGuest("guests/uppercase"))));
    const header = graph.importsReachableFrom("on_header")!;
    expect(header).toContain("ngx_wasm_resp_get_header");
    expect(header).not.toContain("ngx_wasm_resp_get_body_chunk");
    expect(header).not.toContain("ngx_wasm_resp_set_body_chunk");
    expect(graph.importsReachableFrom("on_body")).toEqual(expect.arrayContaining(["ngx_wasm_resp_get_body_chunk", "ngx_wasm_resp_set_body_chunk"]));
  });
});
