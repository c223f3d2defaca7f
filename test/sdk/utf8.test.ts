// Utf8 (sdk/bytes.ts): case changes, search and replace on UTF-8 bytes.
// test/guests/sdk-utf8 answers one line per case; JavaScript's own string
// functions say what each line must be, and the in-process host and nginx
// must both answer exactly that.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";

// the guest's CASES, in order
const CASES = [
  "",
  "a",
  "hello, world",
  "The Quick Brown Fox Jumps Over The Lazy Dog 0123456789 {|}~`@[\\]^_",
  "straße",
  "ÿ and é, ñ in ascii",
  "Ωmega ωmega ǅ",
  "emoji 😀 between ascii words",
  "0123456é89abcdef",
  "01234567é9abcdef",
  "long text long text long text long text long text long text ünïcödé long text long text long text",
];

function expected(): string {
  let out = "";
  for (const c of CASES) {
    out += `upper ${c.toUpperCase()}\nlower ${c.toLowerCase()}\nascii ${/^[\x00-\x7f]*$/.test(c) ? "yes" : "no"}\n`;
  }
  const hay = "one two three two one";
  out += `indexOf ${hay.indexOf("two")} ${hay.indexOf("two", 5)} ${hay.indexOf("four")} ${hay.indexOf("")}\n`;
  out += `replaceAll ${hay.replaceAll("two", "2")}|${hay.replaceAll("o", "OO")}|${hay.replaceAll("x", "y")}\n`;
  out += "same yes\n";
  return out + "\n";   // Response.say adds a newline
}

describe("Utf8 on UTF-8 bytes", () => {
  let wasm: string;
  let ngx: Nginx;

  beforeAll(async () => {
    wasm = await buildGuest("test/guests/sdk-utf8");
    ngx = await Nginx.create("sdk-utf8");
    const guest = ngx.addGuest("sdk-utf8", wasm);
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        location = /utf8 { content_by_wasm ${guest} on_content; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("the expectation covers case changes that change the length (ß → SS)", () => {
    expect(expected()).toContain("upper STRASSE\n");
  });

  it("the in-process host answers what JavaScript computes", async () => {
    const host = new Host();
    const r = await host.run(await host.load(wasm), { phase: "content" });
    expect(r.ok, r.logs.join("\n")).toBe(true);
    expect(r.body).toBe(expected());
  });

  it("nginx answers the same bytes", async () => {
    const res = await ngx.get("/utf8");
    expect(res.status).toBe(200);
    expect(res.text).toBe(expected());
  });
});
