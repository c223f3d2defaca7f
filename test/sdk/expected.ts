// What the SDK test guests answer, shared by the in-process suites and
// test/sdk/nginx.test.ts, so both hosts are held to one expectation.

/**
 * test/guests/sdk-variables with `v = "1"`, `e = ""`, `long` = 6000 × "v",
 * query `?empty=` and an empty `X-Empty` header (VARIABLES_REQUEST).
 */
export const VARIABLES_LINES = {
  v: '"1"',
  missing: "null",
  empty: '""',
  "arg-absent": "null",
  "arg-empty": '""',
  "header-absent": "null",
  "header-empty": '""',
  long: "6000",
  "long-ok": "yes",
  "set-v": "true",
  "v-after": '"changed ✓"',
  "set-unknown": "false",
};

/** The request both hosts give test/guests/sdk-variables. */
export const VARIABLES_REQUEST = { uri: "/vars?empty=", headers: { "X-Empty": "" } };
