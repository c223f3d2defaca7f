// Every phase directive of the module in the packaged nginx, and how the
// directives inherit http → server → location. Guest: test/e2e/guests/probe.wat.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

describe("phase directives in nginx", () => {
  let ngx: Nginx;

  beforeAll(async () => {
    ngx = await Nginx.create("phases", { ports: 2 });
    const probe = ngx.addGuest("probe", await watGuest("probe"));
    await ngx.start(`
    # http level: every request of both servers runs the log guest
    log_by_wasm ${probe} on_log;

    server {
        listen ${ngx.listen(0)};

        location = /content      { content_by_wasm ${probe} on_content; }
        location = /json         { content_by_wasm ${probe} on_json; }
        location = /var          { content_by_wasm ${probe} on_var; }
        location = /yield        { content_by_wasm ${probe} on_yield; }
        location = /time         { content_by_wasm ${probe} on_time; }
        location = /log-tricky   { content_by_wasm ${probe} on_log_tricky; }

        # guest rewrite handlers run before nginx's own (return) in the same phase
        set $myvar "initial";
        location = /var-set {
            rewrite_by_wasm ${probe} on_var_set;
            return 200 "myvar=$myvar codes=$http_x_var_set";
        }

        location = /rewrite-pass { rewrite_by_wasm ${probe} on_rewrite_pass; content_by_wasm ${probe} on_echo_header; }
        location = /rewrite-stop { rewrite_by_wasm ${probe} on_rewrite_stop; content_by_wasm ${probe} on_content; }
        location = /redirect     { rewrite_by_wasm ${probe} on_redirect;     content_by_wasm ${probe} on_content; }
        location = /rewrite-proxy {
            rewrite_by_wasm ${probe} on_rewrite_pass;
            proxy_pass http://${ngx.listen(0)}/upstream-native;
        }
        location = /upstream-native { return 200 "upstream x-demo=$http_x_demo"; }

        location = /access       { access_by_wasm ${probe} on_access; content_by_wasm ${probe} on_content; }

        location = /header       { content_by_wasm ${probe} on_content; header_filter_by_wasm ${probe} on_header; }
        location = /body         { content_by_wasm ${probe} on_content; body_filter_by_wasm ${probe} on_body; }
    }

    # server level: server rewrite for the whole server, a content handler
    # inherited by every location that has none of its own
    server {
        listen ${ngx.listen(1)};
        server_rewrite_by_wasm ${probe} on_rewrite_pass;
        content_by_wasm ${probe} on_echo_header;

        location /        { }
        location /own     { content_by_wasm ${probe} on_content; }
        location /native  { return 200 "native x-demo=$http_x_demo"; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  describe("content_by_wasm", () => {
    it("answers with the guest's body, its header, status 200 and the default text/plain", async () => {
      const res = await ngx.get("/content");
      expect(res.status).toBe(200);
      expect(res.text).toBe("content ok\n");
      expect(res.headers["x-probe"]).toBe("content");
      expect(res.headers["content-type"]).toMatch(/^text\/plain/);
      expect(res.headers["content-length"]).toBe("11");
    });

    it("uses the guest's status and Content-Type when it sets them", async () => {
      const res = await ngx.get("/json");
      expect(res.status).toBe(201);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(res.text)).toEqual({ ok: true });
    });

    it("reads nginx variables ($uri, $arg_name)", async () => {
      const res = await ngx.get("/var?name=nginx-wasm");
      expect(res.text).toBe("nginx-wasm");
      expect(res.headers["x-uri"]).toBe("/var");
      expect((await ngx.get("/var")).text).toBe("name: unset");
    });

    it("re-invokes the export after each yield, keeping the guest's globals", async () => {
      const res = await ngx.get("/yield");
      expect(res.status).toBe(200);
      expect(res.text).toBe("resumed after yields=3");
      // a new request gets a new instance: the count starts again
      expect((await ngx.get("/yield")).text).toBe("resumed after yields=3");
    });

    it("keeps each request's guest state apart when yielding requests interleave", async () => {
      const all = await Promise.all(Array.from({ length: 24 }, () => ngx.get("/yield")));
      expect(all.map((r) => `${r.status} ${r.text}`)).toEqual(all.map(() => "200 resumed after yields=3"));
    });
  });

  describe("host functions", () => {
    it("var_set changes a `set` variable; unknown → -1, read-only → -2", async () => {
      const res = await ngx.get("/var-set");
      expect(res.text).toBe("myvar=set by guest codes=0,-1,-2");
    });

    it("time_unix_ms follows the wall clock; time_monotonic_ms never goes back", async () => {
      const before = Date.now();
      const first = (await ngx.get("/time")).body;
      const second = (await ngx.get("/time")).body;
      expect(first).toHaveLength(16);
      const unix = Number(first.readBigUInt64LE(0));
      expect(Math.abs(unix - before)).toBeLessThan(5_000);
      expect(Number(second.readBigUInt64LE(8))).toBeGreaterThanOrEqual(Number(first.readBigUInt64LE(8)));
      expect(Number(first.readBigUInt64LE(8))).toBeGreaterThan(0);
    });

    it("log lines: guest bytes are never a format string, messages are cut at 1024 bytes", async () => {
      const mark = ngx.logSize();
      expect((await ngx.get("/log-tricky")).text).toBe("logged");
      const fmt = await ngx.waitForLog(/probe fmt/, mark);
      expect(fmt).toMatch(/\[warn\]/);
      expect(fmt).toContain("probe fmt %s %d %V %p %n 100% literal");
      const long = await ngx.waitForLog(/x{1000}/, mark);
      expect(long).toMatch(/\[error\]/);
      expect(long).toContain("x".repeat(1024));
      expect(long).not.toContain("x".repeat(1025));
      expect(long).not.toContain("TAIL");
    });
  });

  describe("rewrite_by_wasm", () => {
    it("falls through to the content phase with the request header it changed", async () => {
      const res = await ngx.get("/rewrite-pass", { "X-Demo": "from client" });
      expect(res.status).toBe(200);
      expect(res.text).toBe("set by rewrite");
    });

    it("passes the changed request header on to a proxied upstream", async () => {
      const res = await ngx.get("/rewrite-proxy", { "X-Demo": "from client" });
      expect(res.text).toBe("upstream x-demo=set by rewrite");
    });

    it("short-circuits with the guest's status and body: the content handler does not run", async () => {
      const res = await ngx.get("/rewrite-stop");
      expect(res.status).toBe(403);
      expect(res.text).toBe("stopped by rewrite\n");
      expect(res.headers["x-probe"]).toBeUndefined();
    });

    it("short-circuits on a status alone (redirect)", async () => {
      const res = await ngx.get("/redirect");
      expect(res.status).toBe(302);
      expect(res.headers["location"]).toMatch(/\/elsewhere$/);
      expect(res.headers["x-probe"]).toBeUndefined();
    });
  });

  describe("access_by_wasm", () => {
    it("denies a request without X-Key and lets one with it through", async () => {
      const denied = await ngx.get("/access");
      expect(denied.status).toBe(401);
      expect(denied.text).toBe("missing X-Key\n");
      const allowed = await ngx.get("/access", { "X-Key": "k" });
      expect(allowed.status).toBe(200);
      expect(allowed.text).toBe("content ok\n");
    });
  });

  describe("filters on a guest response", () => {
    it("header_filter_by_wasm adds a header and sees the response Content-Type", async () => {
      const res = await ngx.get("/header");
      expect(res.status).toBe(200);
      expect(res.headers["x-header-filter"]).toBe("seen");
      expect(res.headers["x-seen-content-type"]).toMatch(/^text\/plain/);
      expect(res.text).toBe("content ok\n");
    });

    it("body_filter_by_wasm replaces the body; the eof chunk is marked once", async () => {
      const res = await ngx.get("/body");
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/^CONTENT OK\n\|chunks=\d+\|EOF$/);
    });
  });

  describe("log_by_wasm", () => {
    it("runs after the response, inherited from the http level", async () => {
      const mark = ngx.logSize();
      expect((await ngx.get("/json")).status).toBe(201);
      const line = await ngx.waitForLog(/probe on_log status=201/, mark);
      expect(line).toMatch(/\[notice\]/);
    });
  });

  describe("inheritance", () => {
    it("a location without a content directive uses the server's; server_rewrite ran before it", async () => {
      const res = await ngx.fetch("/anything", { port: 1 });
      expect(res.status).toBe(200);
      expect(res.text).toBe("set by rewrite");
    });

    it("a location's own content directive overrides the server's", async () => {
      const res = await ngx.fetch("/own", { port: 1 });
      expect(res.text).toBe("content ok\n");
    });

    it("server_rewrite_by_wasm runs before the location's rewrite directives", async () => {
      const res = await ngx.fetch("/native", { port: 1 });
      expect(res.text).toBe("native x-demo=set by rewrite");
    });

    it("the http-level log guest runs in the second server too", async () => {
      const mark = ngx.logSize();
      await ngx.fetch("/own", { port: 1 });
      await ngx.waitForLog(/probe on_log status=200/, mark);
    });
  });
});
