import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // building a guest with the AssemblyScript compiler takes a few seconds
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
