// guests/json-api on both hosts: the same requests (good orders, malformed
// JSON, mistyped members, a failed check, a wrong method) through the
// in-process host and through real nginx, each answer checked against one
// expectation, so the hosts agree with each other and with the SDK's errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { Nginx } from "../support/nginx.js";
import { buildGuest } from "../support/guests.js";

interface Case {
  name: string;
  method: string;
  body: string | Buffer;
  status: number;
  /** the answer, parsed */
  json: unknown;
}

const ORDER = { customer: "Zoë ✓", items: [{ sku: "A1", qty: 2, price: 9.5 }, { sku: "B\"2", qty: 3, price: 0.1 }], note: "ring twice" };

const CASES: Case[] = [
  {
    name: "an order: totals computed, strings kept exactly",
    method: "POST",
    body: JSON.stringify(ORDER),
    status: 200,
    json: { customer: "Zoë ✓", lines: 2, quantity: 5, total: 2 * 9.5 + 3 * 0.1, skus: ["A1", 'B"2'], note: "ring twice" },
  },
  {
    name: "an order without the optional note, pretty-printed",
    method: "POST",
    body: JSON.stringify({ customer: "bo", items: [] }, null, 2),
    status: 200,
    json: { customer: "bo", lines: 0, quantity: 0, total: 0, skus: [] },
  },
  { name: "malformed JSON", method: "POST", body: '{"customer":"ann" "items":[]}', status: 400, json: { error: "JSON: expected ',' or '}' at byte 18" } },
  { name: "truncated JSON", method: "POST", body: '{"customer":"ann","items":[{"sku":"A1",', status: 400, json: { error: "JSON: expected a string key at byte 39 (end of input)" } },
  { name: "not UTF-8", method: "POST", body: Buffer.from('{"customer":"\xff"}', "latin1"), status: 400, json: { error: "JSON: invalid UTF-8 at byte 13" } },
  { name: "a member of the wrong type", method: "POST", body: '{"customer":"ann","items":[{"sku":"A1","qty":"2","price":1}]}', status: 400, json: { error: 'JSON: $.items[0].qty: expected an integer (i32), got a string at byte 45' } },
  { name: "a missing member", method: "POST", body: '{"items":[]}', status: 400, json: { error: "JSON: $.customer: missing (expected a string) at byte 0" } },
  { name: "the guest's own check", method: "POST", body: '{"customer":"ann","items":[{"sku":"A1","qty":0,"price":1}]}', status: 400, json: { error: "JSON: $.items[0].qty: must be at least 1 at byte 45" } },
  { name: "an empty body", method: "POST", body: "", status: 400, json: { error: "JSON: expected a value at byte 0 (end of input)" } },
  { name: "GET is not allowed", method: "GET", body: "", status: 405, json: { error: 'POST a JSON order: {"customer":…,"items":[{"sku":…,"qty":…,"price":…}]}' } },
];

describe("guests/json-api", () => {
  let host: Host;
  let guest: Guest;
  let ngx: Nginx;

  beforeAll(async () => {
    const wasm = await buildGuest("guests/json-api");
    host = new Host();
    guest = await host.load(wasm);
    ngx = await Nginx.create("json-api");
    const api = ngx.addGuest("json-api", wasm);
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        location = /orders { content_by_wasm ${api} on_content; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  describe.each(["ts", "nginx"] as const)("on the %s host", (which) => {
    it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      let status: number;
      let text: string;
      let contentType: string | undefined;
      if (which === "ts") {
        const r = await host.run(guest, { phase: "content", request: { method: c.method, uri: "/orders", body: c.body } });
        expect(r.error).toBeUndefined();
        ({ status, body: text } = r);
        contentType = r.headers["content-type"];
      } else {
        const res = await ngx.fetch("/orders", { method: c.method, body: c.body, headers: { "Content-Type": "application/json" } });
        ({ status, text } = res);
        contentType = res.headers["content-type"];
        if (c.method === "GET") expect(res.headers["allow"]).toBe("POST");
      }
      expect(status).toBe(c.status);
      expect(contentType).toBe("application/json");
      expect(text.endsWith("\n")).toBe(true);
      expect(JSON.parse(text)).toEqual(c.json);
    });
  });

  it("nginx logged no guest failure", () => {
    expect(ngx.errorLog()).not.toMatch(/trapped|guest abort/);
  });
});
