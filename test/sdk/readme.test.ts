// The SDK reference (sdk/README.md) must cover every export: each name
// re-exported by sdk/index.ts and each function of an exported namespace.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../host-abi/generate.js";

const sdk = join(projectRoot(), "sdk");
const readme = readFileSync(join(sdk, "README.md"), "utf8");
const index = readFileSync(join(sdk, "index.ts"), "utf8");

/** `export { A, B } from "./file"` → [["A","B"], "file"] */
const reexports = [...index.matchAll(/export \{([^}]+)\} from "\.\/([\w-]+)"/g)].map(
  (m) => [m[1]!.split(",").map((s) => s.trim()).filter(Boolean), m[2]!] as const,
);

/** Functions of `export namespace NS { … }` blocks in one SDK file. */
function namespaceFunctions(file: string): string[] {
  const source = readFileSync(join(sdk, `${file}.ts`), "utf8");
  const out: string[] = [];
  for (const block of source.split(/^export namespace /m).slice(1)) {
    const ns = block.slice(0, block.indexOf(" "));
    const body = block.slice(0, block.search(/^}/m));
    for (const m of body.matchAll(/^ {2}export function (\w+)/gm)) out.push(`${ns}.${m[1]}`);
  }
  return out;
}

describe("sdk/README.md", () => {
  it("index.ts re-exports every SDK area", () => {
    expect(reexports.length).toBeGreaterThanOrEqual(15);
  });

  for (const [names, file] of reexports) {
    it(`documents ${file}: ${names.join(", ")}`, () => {
      for (const name of names) expect(readme, name).toContain(name);
      if (file === "raw") return; // constants namespaces, documented as a group
      for (const fn of namespaceFunctions(file)) expect(readme, fn).toContain(fn.replace(/^log\./, ""));
    });
  }
});
