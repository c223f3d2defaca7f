import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // nginx end-to-end suites start their own servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
