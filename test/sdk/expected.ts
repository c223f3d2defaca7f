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

/** A body over a 1 KiB wasm_request_body_buffer_size: 413 before the guest runs, and the host's line naming the directive and the limit. */
export const BODY_TOO_LARGE_LINES = [
  "wasm: the request body is larger than wasm_request_body_buffer_size (1024 bytes in this location): 413 before guest",
  'export "on_body_read" (phase content) runs',
];

/**
 * test/guests/sdk-shared-dict's on_content, with "from-host" = "hello" stored
 * beforehand (the TS host's host.shm.set, a seeding guest in nginx).
 */
export const SHARED_DICT_LINES = {
  set: "true",
  get: '"v1"',
  exists: "true",
  "add-existing": "false",
  "add-new": "true",
  "replace-missing": "false",
  "replace-existing": "true",
  "get-after-replace": '"v3"',
  "exists-after-delete": "false",
  "get-missing": "null",
  "incr-new": "1",
  "incr-again": "6",
  "incr-init": "11",
  "incr-to-minus-2": "-2",
  bytes: "0.ff.80.7.",
  setex: "true",
  long: "5000",
  "host-set": '"hello"',
};

/** What an SDK abort logs for incr on a non-integer, and for a key over 256 bytes. */
export const SHARED_DICT_INCR_TEXT_LINE = 'ngxwasm: SharedDict.incr("text"): the stored value is not a signed 32-bit integer';
export const SHARED_DICT_KEY_TOO_LONG_LINE = "keys must be 1..256 bytes";
