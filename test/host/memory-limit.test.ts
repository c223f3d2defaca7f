// The guest memory cap behaves as in nginx: memory.grow past it fails (returns
// -1) and a trap that follows is reported as "memory limit (N MiB) reached"
// (host/memory-limit.ts rewrites the module when it is loaded).
import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { GROW_REFUSED_EXPORT, limitMemory } from "../../host/memory-limit.js";
import { readModuleShape } from "../../host/wasm-module.js";
import { abiGuest, wat } from "../support/wat.js";
import { loadHandler, runHandler } from "./helpers.js";

// Node's WebAssembly (the project's TS lib declares no types for it), to run a rewritten module directly.
const NodeWasm = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (m: object, imports: object) => { exports: Record<string, unknown> } };
}).WebAssembly;

/** Log the value of an i32 expression (as decimal text would need a formatter: as one byte 'A' + n). */
const logPages = (expr: string) => `(i32.store8 (i32.const 100) (i32.add (i32.const 65) ${expr})) (drop (call $ngx_wasm_log (i32.const 4) (i32.const 100) (i32.const 1)))`;

describe("memory limit", () => {
  it("memory.grow within the cap succeeds; past it, it returns -1 and the memory stays as it was", async () => {
    const r = await runHandler(
      {
        body: `
          ${logPages("(memory.grow (i32.const 1))")}
          ${logPages("(i32.add (memory.grow (i32.const 2)) (i32.const 2))")}
          ${logPages("(memory.size)")}
          (i32.const 0)`,
      },
      {},
      new Host({ maxMemoryPages: 3 }),
    );
    expect(r.ok).toBe(true);
    // grew 1 → 2 pages (returned 1); growing by 2 more refused (-1 + 2 = 1); still 2 pages
    expect(r.logs.map((l) => l.message)).toEqual(["B", "B", "C"]);
  });

  it("a guest that allocates without bound traps with 'memory limit (16 MiB) reached', naming export and phase", async () => {
    // A bump allocator in WAT: grow one page at a time, trap when memory.grow fails (as AssemblyScript's runtimes do).
    const r = await runHandler({
      items: `(func $alloc (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable)))`,
      body: `(loop $more (call $alloc) (br $more)) (i32.const 0)`,
    });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    expect(r.trap).toEqual({ kind: "memory_limit", message: "memory limit (16 MiB) reached" });
    expect(r.error).toBe(`guest "test" export "handler" (phase content) trapped: memory_limit: memory limit (16 MiB) reached`);
  });

  it("a refused grow the guest recovers from is not a memory-limit trap: a later trap keeps its own kind", async () => {
    // Like AssemblyScript's TLSF: try to double, then ask for just what is needed.
    const r = await runHandler(
      {
        body: `
          (drop (memory.grow (i32.const 8)))
          (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
          (i32.div_s (i32.const 1) (i32.const 0))`,
      },
      {},
      new Host({ maxMemoryPages: 4 }),
    );
    expect(r.trap?.kind).toBe("integer_divide_by_zero");
  });

  it("keeps a maximum the guest declares below the cap; lowers one above it", async () => {
    const declared = async (max: number) => {
      const bytes = await wat(`(module (memory (export "memory") 1 ${max}) (func (export "on_content") (result i32) (i32.const 0)))`);
      return readModuleShape(limitMemory(bytes, 256).bytes).memories[0];
    };
    expect(await declared(10)).toEqual({ min: 1, max: 10 });
    expect(await declared(1000)).toEqual({ min: 1, max: 256 });
  });

  it("leaves a module without memory.grow unchanged but for its memory maximum", async () => {
    const bytes = await abiGuest(`(func (export "on_content") (result i32) (i32.const 0))`);
    const limited = limitMemory(bytes, 256);
    expect(limited.tracksRefusedGrow).toBe(false);
    expect(readModuleShape(limited.bytes).exports).toEqual(readModuleShape(bytes).exports);
    expect(readModuleShape(limited.bytes).memories).toEqual([{ min: 1, max: 256 }]);
  });

  it("instruments a module without a global or type section of its own kind, keeping its functions' indices", async () => {
    // No global section, a start function, a call_indirect, a second grow in another function.
    const bytes = await wat(`(module
      (import "env" "ngx_wasm_log" (func $log (param i32 i32 i32) (result i32)))
      (type $v (func))
      (table 1 funcref)
      (elem (i32.const 0) $grow2)
      (memory (export "memory") 1)
      (func $grow2 (drop (memory.grow (i32.const 2))))
      (func $start (drop (call $log (i32.const 4) (i32.const 0) (i32.const 0))))
      (start $start)
      (func (export "on_content") (result i32)
        (call_indirect (type $v) (i32.const 0))
        (memory.grow (i32.const 100))))`);
    const limited = limitMemory(bytes, 4);
    expect(limited.tracksRefusedGrow).toBe(true);
    const shape = readModuleShape(limited.bytes);
    expect(shape.exports.map((e) => e.name)).toEqual(["memory", "on_content", GROW_REFUSED_EXPORT]);
    expect(shape.exportedFunctions.get("on_content")).toBe(readModuleShape(bytes).exportedFunctions.get("on_content"));
    const instance = new NodeWasm.Instance(new NodeWasm.Module(limited.bytes), { env: { ngx_wasm_log: () => 0 } });
    const exports = instance.exports as { on_content: () => number; [GROW_REFUSED_EXPORT]: { value: number } };
    expect(exports.on_content()).toBe(-1); // 1 + 2 pages, then 100 more refused
    expect(exports[GROW_REFUSED_EXPORT].value).toBe(1);
  });

  it("a body filter that keeps every chunk hits the cap on the chunk that crosses it", async () => {
    const host = new Host({ maxMemoryPages: 4 });
    // Copies each chunk after the previous ones, growing memory as needed.
    const guest = await loadHandler(
      host,
      {
        export: "on_body",
        items: `(global $end (mut i32) (i32.const 0))`,
        body: `(local $n i32)
          (local.set $n (call $ngx_wasm_resp_get_body_chunk (i32.const 0) (i32.const 0)))
          (if (i32.gt_u (i32.add (global.get $end) (local.get $n)) (i32.mul (memory.size) (i32.const 65536)))
            (then (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))))
          (drop (call $ngx_wasm_resp_get_body_chunk (global.get $end) (local.get $n)))
          (global.set $end (i32.add (global.get $end) (local.get $n)))
          (i32.const 0)`,
      },
      "keeper",
    );
    const chunk = new Uint8Array(40000).fill(0x61);
    const r = await host.run(guest, { phase: "body_filter", response: { chunks: Array.from({ length: 10 }, () => chunk) } });
    expect(r.ok).toBe(false);
    expect(r.invocations).toBe(7); // 6 × 40000 bytes fit in 4 pages (262144 bytes), the 7th does not
    expect(r.error).toBe(`guest "keeper" export "on_body" (phase body_filter) trapped: memory_limit: memory limit (256 KiB) reached`);
  });
});
