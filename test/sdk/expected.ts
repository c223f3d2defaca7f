// What the SDK test guests answer, shared by the in-process suites and
// test/sdk/nginx.test.ts, so both hosts are held to one expectation.

/** test/guests/sdk-variables with `v = "1"` and `long` = 6000 × "v". */
export const VARIABLES_LINES = {
  v: '"1"',
  missing: "null",
  long: "6000",
  "long-ok": "yes",
  "set-v": "true",
  "v-after": '"changed ✓"',
  "set-unknown": "false",
};
