// Builds guests for tests with the real toolchain: ngxwasm/testing's
// buildGuest (testing/build.ts, the same code path as `ngxwasm build`), entries
// relative to the repository root, into build/test-guests, once per test run.
import { join } from "node:path";
import { projectRoot } from "../../host-abi/generate.js";
import { buildGuest as buildTestGuest } from "../../testing/build.js";

const OUT_DIR = join(projectRoot(), "build", "test-guests");

/** Build one guest (a directory with index.ts, or a .ts file) and return its .wasm path. */
export function buildGuest(entry: string): Promise<string> {
  return buildTestGuest(join(projectRoot(), entry), { outDir: OUT_DIR });
}
