// Every guest built with the SDK must import only ABI functions, with the ABI's
// exact types (no env.abort, env.trace, env.seed, WASI), export its memory, and
// export only handlers of type () -> i32.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";
import { HOST_FUNCTION_BY_NAME } from "../../host-abi/tables.js";
import { formatFuncType, readModuleShape } from "../../host/wasm-module.js";
import { buildGuest } from "../support/guests.js";

const root = projectRoot();
/** Sub-directories of `parent` (relative to the root) holding an index.ts guest. */
const guestsIn = (parent: string) =>
  readdirSync(join(root, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, parent, d.name, "index.ts")))
    .map((d) => `${parent}/${d.name}`);
const guestDirs = [...guestsIn("guests"), ...guestsIn("test/guests").filter((d) => d.includes("/sdk-"))];

describe("SDK-built guests import only the ABI", () => {
  it("finds the example and SDK test guests", () => {
    expect(guestDirs).toContain("guests/hello");
    expect(guestDirs.length).toBeGreaterThanOrEqual(10);
  });

  for (const dir of guestDirs) {
    it(dir, async () => {
      const shape = readModuleShape(readFileSync(await buildGuest(dir)));
      expect(shape.imports.length).toBeGreaterThan(0);
      for (const imp of shape.imports) {
        const where = `${dir} imports ${imp.module}.${imp.name}`;
        expect(imp.module, where).toBe("env");
        const abi = HOST_FUNCTION_BY_NAME.get(imp.name);
        expect(abi, `${where}: not an ABI function`).toBeDefined();
        const expected = `(${abi!.params.map(() => "i32").join(", ")}) -> i32`;
        expect(formatFuncType(imp.type!), where).toBe(expected);
      }
      expect(shape.exports).toContainEqual({ name: "memory", kind: "memory" });
      for (const exp of shape.exports.filter((e) => e.kind !== "memory")) {
        expect(exp.kind, `${dir} exports ${exp.name}`).toBe("function");
        expect(exp.name).toMatch(/^on_/);
        expect(formatFuncType(exp.type!), `${dir} export ${exp.name}`).toBe("() -> i32");
      }
    });
  }
});
