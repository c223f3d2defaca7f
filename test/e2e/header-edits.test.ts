// Request header edits keep nginx's view of the request consistent: after a
// guest removes or replaces headers, every variable nginx derives from them
// ($http_* for each header nginx indexes, $cookie_*, $proxy_add_x_forwarded_for)
// equals what nginx reports when the client itself sends the edited headers.
// (A removal used to shift the list under nginx's pointers: $cookie_a then read
// another header's value.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { Nginx, rawHttp } from "../support/nginx.js";

/** Every header nginx 1.22 keeps a shortcut to (ngx_http_headers_in[]), minus the body framing ones. */
const INDEXED = [
  "host", "connection", "if_modified_since", "if_unmodified_since", "if_match", "if_none_match", "user_agent",
  "referer", "content_type", "range", "if_range", "te", "expect", "upgrade", "accept_encoding", "via",
  "authorization", "keep_alive", "x_forwarded_for", "x_real_ip", "accept", "accept_language", "depth",
  "destination", "overwrite", "date", "cookie",
];
const OTHERS = ["$cookie_a", "$cookie_b", "$cookie_c", "$proxy_add_x_forwarded_for", "$http_x_evil2", "$http_x_del", "$http_x_pad"];
const REPORT = [...INDEXED.map((h) => `$http_${h}`), ...OTHERS].map((v) => `${v.slice(1)}=[${v}]`).join("\\n");

type Header = [string, string];
type Edit = { del: string } | { set: [string, string] };

interface EditCase {
  what: string;
  headers: Header[];
  edits: Edit[];
}

const pad = (n: number): Header[] => Array.from({ length: n }, (_, i): Header => [`X-Pad${i}`, `p${i}`]);

const CASES: EditCase[] = [
  {
    what: "removing a header before Cookie and X-Forwarded-For (the reported spoof)",
    headers: [["X-Del", "1"], ["Cookie", "a=real"], ["X-Evil2", "a=spoofed"], ["X-Forwarded-For", "10.0.0.1"], ["User-Agent", "ua"]],
    edits: [{ del: "X-Del" }],
  },
  {
    what: "removing every Cookie header",
    headers: [["Cookie", "a=1"], ["X-Pad", "p"], ["Cookie", "b=2"], ["Referer", "r"]],
    edits: [{ del: "Cookie" }],
  },
  {
    what: "replacing one of two Cookie headers and one of two X-Forwarded-For",
    headers: [["Cookie", "a=1"], ["Cookie", "b=2"], ["X-Forwarded-For", "1.1.1.1"], ["X-Forwarded-For", "2.2.2.2"], ["Accept", "*/*"]],
    edits: [{ set: ["Cookie", "a=new"] }, { set: ["X-Forwarded-For", "3.3.3.3"] }],
  },
  {
    what: "adding indexed headers the client did not send",
    headers: [["Accept", "text/html"]],
    edits: [{ set: ["User-Agent", "new-ua"] }, { set: ["Referer", "ref"] }, { set: ["Cookie", "c=3"] }, { set: ["X-Real-IP", "9.9.9.9"] }, { set: ["X-Forwarded-For", "5.5.5.5"] }],
  },
  {
    what: "removing several indexed headers between others",
    headers: [["User-Agent", "ua"], ["X-Pad", "1"], ["Referer", "r"], ["Authorization", "Basic x"], ["Accept-Language", "fr"], ["Cookie", "a=1; b=2"], ["X-Evil2", "e"]],
    edits: [{ del: "User-Agent" }, { del: "Referer" }, { del: "Authorization" }],
  },
  {
    what: "edits across list parts (nginx allocates 20 entries per part)",
    headers: [...pad(18), ["X-Del", "d"], ["Cookie", "a=1"], ["X-Forwarded-For", "7.7.7.7"], ...pad(25).slice(18), ["Cookie", "b=2"], ["User-Agent", "late"]],
    edits: [{ del: "X-Del" }, { del: "X-Pad3" }, { set: ["Cookie", "a=2"] }, { del: "X-Pad20" }],
  },
];

/** The headers after the edits, as the ABI defines them: set keeps the first entry's place, drops the others; remove drops all. */
function applyEdits(headers: Header[], edits: Edit[]): Header[] {
  let out = headers.map(([n, v]): Header => [n, v]);
  for (const e of edits) {
    const name = ("del" in e ? e.del : e.set[0]).toLowerCase();
    if ("del" in e) {
      out = out.filter(([n]) => n.toLowerCase() !== name);
      continue;
    }
    const first = out.findIndex(([n]) => n.toLowerCase() === name);
    if (first < 0) {
      out.push([e.set[0], e.set[1]]);
      continue;
    }
    out[first]![1] = e.set[1];
    out = out.filter(([n], i) => i === first || n.toLowerCase() !== name);
  }
  return out;
}

function query(edits: Edit[]): string {
  return edits
    .map((e) => ("del" in e ? `del=${encodeURIComponent(e.del)}` : `set=${encodeURIComponent(`${e.set[0]}:${e.set[1]}`)}`))
    .join("&");
}

describe("request header edits keep nginx's request state consistent", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("header-edits");
    const g = ngx.addGuest("sdk-header-edits", await buildGuest("test/guests/sdk-header-edits"));
    await ngx.start(`
    server {
        listen ${ngx.listen()};
        location = /edited { rewrite_by_wasm ${g} on_rewrite; return 200 "${REPORT}"; }
        location = /sent   { return 200 "${REPORT}"; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  async function report(path: string, headers: Header[]): Promise<string> {
    const lines = [`GET ${path} HTTP/1.1`, "Host: t", ...headers.map(([n, v]) => `${n}: ${v}`), "Connection: close", "", ""];
    const raw = (await rawHttp(ngx.port, lines.join("\r\n"))).toString("utf8");
    expect(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw).toBe(true);
    return raw.slice(raw.indexOf("\r\n\r\n") + 4);
  }

  for (const c of CASES) {
    it(c.what, async () => {
      const edited = await report(`/edited?${query(c.edits)}`, c.headers);
      const sent = await report("/sent", applyEdits(c.headers, c.edits));
      expect(edited).toBe(sent);
      expect(edited).toContain("http_host=[t]");
    });
  }

  it("the reported case reads the real cookie and no spoofed X-Forwarded-For", async () => {
    const edited = await report(`/edited?${query(CASES[0]!.edits)}`, CASES[0]!.headers);
    expect(edited).toContain("cookie_a=[real]");
    expect(edited).toContain("proxy_add_x_forwarded_for=[10.0.0.1, 127.0.0.1]");
    expect(edited).toContain("http_x_del=[]");
  });
});
