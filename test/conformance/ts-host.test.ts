// The conformance cases on the in-process TypeScript host.
import { describe, it } from "vitest";
import { Host, type Guest } from "../../host/index.js";
import { CASES, caseGuestPath, expectConforms, type ConformanceCase } from "./cases.js";

describe("conformance: TS host", () => {
  const host = new Host();
  const guests = new Map<string, Promise<Guest>>();

  function load(c: ConformanceCase): Promise<Guest> {
    const key = JSON.stringify(c.guest);
    let g = guests.get(key);
    if (!g) {
      g = caseGuestPath(c).then((path) => host.load(path));
      guests.set(key, g);
    }
    return g;
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const r = await host.run(await load(c), {
        phase: c.phase,
        export: c.export,
        request: {
          method: c.request.method,
          uri: c.request.uri,
          headers: c.request.headers,
          body: c.request.body,
          variables: c.request.variables,
        },
        response: c.response && {
          status: c.response.status,
          headers: { "content-type": c.response.contentType },
          chunks: [c.response.body],
        },
      });
      expectConforms(c, {
        status: r.status,
        headers: r.headers,
        body: r.body,
        fellThrough: r.fellThrough,
        requestHeaders: r.requestHeaders,
      });
    });
  }
});
