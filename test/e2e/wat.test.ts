// The WAT fixture helper: `(str …)` expansion and the probe guest's shape.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readModuleShape } from "../../host/wasm-module.js";
import { expandStrings, watGuest } from "./wat.js";

describe("WAT fixtures", () => {
  it("expands (str …) into pointer/length operands and data segments", () => {
    const out = expandStrings(`(module (memory 1) (func (drop (i32.add (str "a\\nb") (str "\\00x")))))`);
    expect(out).toContain("(i32.const 1024) (i32.const 3)");
    expect(out).toContain("(i32.const 1028) (i32.const 2)");
    expect(out).toContain(`(data (i32.const 1024) "a\\nb")`);
    expect(out.trim().endsWith(")")).toBe(true);
  });

  it("builds the probe guest with memory, handler exports and only ABI imports", async () => {
    const shape = readModuleShape(readFileSync(await watGuest("probe")));
    const exports = shape.exports.map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(["memory", "on_content", "on_body", "on_yield", "on_loop"]));
    expect(shape.imports.length).toBeGreaterThan(0);
    expect(shape.imports.every((i) => i.module === "env" && i.name.startsWith("ngx_wasm_"))).toBe(true);
  });
});
