// test/guests/sdk-json in nginx: every case of test/sdk/json-cases.ts (the
// ones test/sdk/json.test.ts runs in the in-process host) answers the same
// through the module — round trips, numbers, escapes, the depth limit, each
// malformed input as a 400 with its message, the typed mapping — and no
// request makes the guest trap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { buildGuest } from "../support/guests.js";
import { JSON_CASES } from "./json-cases.js";

describe("SDK json guest in nginx", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("sdk-json");
    const json = ngx.addGuest("sdk-json", await buildGuest("test/guests/sdk-json"));
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        location = /json { content_by_wasm ${json} on_content; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it.each(JSON_CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const res = await ngx.fetch(`/json?${c.args}`, { method: "POST", body: c.body });
    expect(res.status).toBe(c.status);
    expect(res.text).toBe(c.expect);
  });

  it("no case trapped or aborted", () => {
    expect(ngx.errorLog()).not.toMatch(/trapped|guest abort/);
  });
});
