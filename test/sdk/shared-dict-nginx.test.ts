// The SDK's SharedDict in nginx (wasm_shm_zone, two workers): the guest of
// test/sdk/shared-dict.test.ts with the same expectations (expected.ts).
// What the in-process test stores and reads with host.shm, a small WAT guest
// stores and reads here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";
import { SHARED_DICT_INCR_TEXT_LINE, SHARED_DICT_KEY_TOO_LONG_LINE, SHARED_DICT_LINES } from "./expected.js";
import { lines } from "./lines.js";

/** /seed stores "from-host" = "hello"; /peek?k=KEY answers the value or "(missing)". */
const HOST_SIDE = `
  (data (i32.const 1024) "from-host")
  (data (i32.const 1040) "hello")
  (data (i32.const 1048) "arg_k")
  (data (i32.const 1056) "(missing)")
  (func (export "on_seed") (result i32)
    (i32.ne (call $ngx_wasm_shm_set (i32.const 1024) (i32.const 9) (i32.const 1040) (i32.const 5)) (i32.const 0)))
  (func (export "on_peek") (result i32) (local $len i32)
    (local.set $len
      (call $ngx_wasm_shm_get (i32.const 2048)
                              (call $ngx_wasm_var_get (i32.const 1048) (i32.const 5) (i32.const 2048) (i32.const 256))
                              (i32.const 4096) (i32.const 4096)))
    (if (i32.lt_s (local.get $len) (i32.const 0))
      (then (drop (call $ngx_wasm_resp_write (i32.const 1056) (i32.const 9))))
      (else (drop (call $ngx_wasm_resp_write (i32.const 4096) (local.get $len)))))
    (i32.const 0))
`;

describe("SDK shared dict in nginx", () => {
  let ngx: Nginx;
  const peek = async (key: string) => (await ngx.get(`/peek?k=${encodeURIComponent(key)}`)).text;

  beforeAll(async () => {
    ngx = await Nginx.create("sdk-shm", { workers: 2 });
    const sdk = ngx.addGuest("sdk-shared-dict", await buildGuest("test/guests/sdk-shared-dict"));
    const side = ngx.addFile("wasm/host-side.wasm", await abiGuest(HOST_SIDE));
    await ngx.start(`
    wasm_shm_zone sdk 1m;
    server {
        listen ${ngx.listen()};
        location = /sdk          { content_by_wasm ${sdk} on_content; }
        location = /ttl          { content_by_wasm ${sdk} on_read_ttl; }
        location = /incr-text    { content_by_wasm ${sdk} on_incr_text; }
        location = /key-too-long { content_by_wasm ${sdk} on_key_too_long; }
        location = /seed         { content_by_wasm ${side} on_seed; }
        location = /peek         { content_by_wasm ${side} on_peek; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("implements get/set/add/replace/delete/exists/incr with clear results", async () => {
    expect((await ngx.get("/seed")).status).toBe(200);
    const res = await ngx.get("/sdk");
    expect(res.status).toBe(200);
    expect(lines(res.text)).toEqual(SHARED_DICT_LINES);
    expect(await peek("counter")).toBe("6");
    expect(await peek("fresh")).toBe("f");
    expect(await peek("k")).toBe("(missing)");
  });

  it("values survive across requests (and workers); setEx expires after its TTL", async () => {
    expect((await ngx.get("/sdk")).status).toBe(200); // setEx("ttl", "short", 1000)
    expect(lines((await ngx.get("/ttl")).text).ttl).toBe('"short"');
    await new Promise((r) => setTimeout(r, 1300));
    expect(lines((await ngx.get("/ttl")).text).ttl).toBe("null");
  });

  it("incr on a non-integer aborts with a message naming the key", async () => {
    const mark = ngx.logSize();
    expect((await ngx.get("/incr-text")).status).toBe(500);
    await ngx.waitForLog(new RegExp(SHARED_DICT_INCR_TEXT_LINE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), mark);
  });

  it("a key over 256 bytes aborts before reaching the host", async () => {
    const mark = ngx.logSize();
    expect((await ngx.get("/key-too-long")).status).toBe(500);
    await ngx.waitForLog(new RegExp(SHARED_DICT_KEY_TOO_LONG_LINE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), mark);
  });
});
