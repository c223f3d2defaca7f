// Builds guests for tests with the real toolchain (the same code path as
// `ngxwasm build`), once per test run: results are cached per entry.
import { join } from "node:path";
import { buildGuests } from "../../cli/build.js";
import { projectRoot } from "../../host-abi/generate.js";

const OUT_DIR = join(projectRoot(), "build", "test-guests");
const cache = new Map<string, Promise<string>>();

/** Build one guest (a directory with index.ts, or a .ts file) and return its .wasm path. */
export function buildGuest(entry: string): Promise<string> {
  const key = join(projectRoot(), entry);
  let built = cache.get(key);
  if (!built) {
    built = buildGuests([key], { outDir: OUT_DIR }).then(([result]) => {
      if (!result || !result.ok) throw new Error(`building ${entry} failed:\n${result?.errors.join("\n")}`);
      return result.wasmPath;
    });
    cache.set(key, built);
  }
  return built;
}
