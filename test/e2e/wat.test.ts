// The WAT fixture helper: `(str …)` expansion and the probe guest's shape.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expandStrings, watGuest } from "./wat.js";

describe("WAT fixtures", () => {
  it("expands (str …) into pointer/length operands and data segments", () => {
    const out = expandStrings(`(module (memory 1) (func (drop (i32.add (str "a\\nb") (str "\\00x")))))`);
    expect(out).toContain("(i32.const 1024) (i32.const 3)");
    expect(out).toContain("(i32.const 1028) (i32.const 2)");
    expect(out).toContain(`(data (i32.const 1024) "a\\nb")`);
    expect(out.trim().endsWith(")")).toBe(true);
  });

  it("builds the probe guest with memory and every handler export", async () => {
    const mod = new WebAssembly.Module(readFileSync(await watGuest("probe")));
    const exports = WebAssembly.Module.exports(mod).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(["memory", "on_content", "on_body", "on_yield", "on_loop"]));
    expect(WebAssembly.Module.imports(mod).every((i) => i.module === "env" && i.name.startsWith("ngx_wasm_"))).toBe(true);
  });
});
