// The conformance cases on nginx with our module: one location per case.
// A rewrite/access guest that falls through reaches a small Node upstream
// that reports the request headers it received.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { CASES, caseGuestPath, expectConforms, type ConformanceCase } from "./cases.js";

/** nginx string literal for a `return` body (cases never contain `$`). */
function nginxString(s: string): string {
  if (s.includes("$")) throw new Error(`conformance response bodies cannot contain "$": ${s}`);
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function location(c: ConformanceCase, wasm: string, fallback: string): string {
  const path = c.request.uri.split("?")[0];
  const run = `${c.phase}_by_wasm ${wasm} ${c.export};`;
  switch (c.phase) {
    case "content":
      return `location = ${path} { ${run} }`;
    case "rewrite":
    case "access":
      return `location = ${path} { ${run} proxy_pass ${fallback}; }`;
    case "header_filter":
    case "body_filter": {
      const r = c.response!;
      return `location = ${path} { default_type ${r.contentType}; return ${r.status} ${nginxString(r.body)}; ${run} }`;
    }
  }
}

describe("conformance: nginx", () => {
  let ngx: Nginx;
  let upstream: Server;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-fell-through": "1" });
      res.end(JSON.stringify({ headers: req.headers }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const addr = upstream.address();
    const fallback = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;

    ngx = await Nginx.create("conformance");
    const paths = new Set<string>();
    const locations: string[] = [];
    const variables = new Map<string, string>();
    for (const c of CASES) {
      for (const [name, value] of Object.entries(c.request.variables ?? {})) {
        if (variables.has(name) && variables.get(name) !== value) throw new Error(`cases disagree on $${name}`);
        variables.set(name, value);
      }
      const path = c.request.uri.split("?")[0]!;
      if (paths.has(path)) throw new Error(`two conformance cases use ${path}`);
      paths.add(path);
      const name = "wat" in c.guest ? `wat-${c.guest.wat}` : `example-${c.guest.example}`;
      const wasm = ngx.addGuest(name, await caseGuestPath(c));
      locations.push(location(c, wasm, fallback));
    }
    const sets = [...variables].map(([name, value]) => `set $${name} ${nginxString(value)};`);
    await ngx.start(`server {\n  listen ${ngx.listen()};\n  ${[...sets, ...locations].join("\n  ")}\n}`);
  });

  afterAll(async () => {
    await ngx?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const res = await ngx.fetch(c.request.uri, { method: c.request.method, headers: c.request.headers, body: c.request.body });
      const fellThrough = res.headers["x-fell-through"] === "1";
      if (fellThrough) expect(res.status).toBe(200);
      expectConforms(c, {
        status: res.status,
        headers: res.headers,
        body: res.text,
        fellThrough,
        requestHeaders: fellThrough ? (JSON.parse(res.text) as { headers: Record<string, string> }).headers : {},
      });
    });
  }
});
