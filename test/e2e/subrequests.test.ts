// Subrequests in nginx (ngx_wasm_subreq): a guest in the content phase
// launches one to each kind of location — a static file, `return`,
// proxy_pass to a second server block, a location that itself runs a guest
// — and reads status, a header and the captured body when nginx calls it
// again. Failures (404, upstream down, upstream timeout) are statuses, not
// failures of the parent; a body over wasm_subrequest_buffer_size is not
// captured; the staged headers, the method and the args reach the upstream
// (raw bytes); a client that leaves while a subrequest waits on its upstream
// ends the request and leaks nothing; guests/aggregate merges two JSON
// services. Everything runs again with the ASan build of the module (zero
// reports; no RSS bound there: ASan's quarantine holds freed memory).
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { httpFetch, Nginx } from "../support/nginx.js";
import { abiGuest } from "../support/wat.js";

// The probe guest: the first invocation stages X-Staged, launches a
// subrequest to $sr_uri with $sr_args (method by export), tries a second
// launch at once; the next one reports
// "second=<rc>;status=<n>;len=<n>;x-sub=<value or rc>;body=<captured body>".
const PROBE = `
  (global $stage (mut i32) (i32.const 0))
  (global $second (mut i32) (i32.const 0))
  (global $olen (mut i32) (i32.const 0))
  (data (i32.const 0) "sr_uri")
  (data (i32.const 8) "sr_args")
  (data (i32.const 16) "X-Staged")
  (data (i32.const 32) "staged value")
  (data (i32.const 48) "status=")
  (data (i32.const 56) ";len=")
  (data (i32.const 64) ";x-sub=")
  (data (i32.const 72) ";body=")
  (data (i32.const 80) "launch=")
  (data (i32.const 88) "X-Sub")
  (data (i32.const 96) "second=")
  (data (i32.const 104) ";")
  (data (i32.const 112) "from the guest")
  (func $put (param $p i32) (param $n i32)
    (memory.copy (i32.add (i32.const 4096) (global.get $olen)) (local.get $p) (local.get $n))
    (global.set $olen (i32.add (global.get $olen) (local.get $n))))
  (func $num (param $v i32) (local $p i32) (local $neg i32)
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then (local.set $neg (i32.const 1)) (local.set $v (i32.sub (i32.const 0) (local.get $v)))))
    (local.set $p (i32.const 232))
    (loop $l
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $l (local.get $v)))
    (if (local.get $neg)
      (then (local.set $p (i32.sub (local.get $p) (i32.const 1))) (i32.store8 (local.get $p) (i32.const 45))))
    (call $put (local.get $p) (i32.sub (i32.const 232) (local.get $p))))
  (func $probe (param $m i32) (result i32) (local $ul i32) (local $al i32) (local $rc i32)
    (if (i32.eqz (global.get $stage))
      (then
        (global.set $stage (i32.const 1))
        (drop (call $ngx_wasm_subreq_set_header (i32.const 16) (i32.const 8) (i32.const 32) (i32.const 12)))
        (local.set $ul (call $ngx_wasm_var_get (i32.const 0) (i32.const 6) (i32.const 1024) (i32.const 1024)))
        (local.set $al (call $ngx_wasm_var_get (i32.const 8) (i32.const 7) (i32.const 2048) (i32.const 1024)))
        (if (i32.lt_s (local.get $al) (i32.const 0)) (then (local.set $al (i32.const 0))))
        (local.set $rc (call $ngx_wasm_subreq (i32.const 1024) (local.get $ul) (i32.const 2048) (local.get $al) (local.get $m) (i32.const 1)))
        (if (i32.eqz (local.get $rc))
          (then
            (global.set $second (call $ngx_wasm_subreq (i32.const 1024) (local.get $ul) (i32.const 2048) (local.get $al) (local.get $m) (i32.const 1)))
            (return (i32.const 0))))
        (call $put (i32.const 80) (i32.const 7)) (call $num (local.get $rc))
        (drop (call $ngx_wasm_resp_write (i32.const 4096) (global.get $olen)))
        (return (i32.const 0))))
    (call $put (i32.const 96) (i32.const 7)) (call $num (global.get $second))
    (call $put (i32.const 104) (i32.const 1))
    (call $put (i32.const 48) (i32.const 7)) (call $num (call $ngx_wasm_subreq_get_status))
    (call $put (i32.const 56) (i32.const 5)) (call $num (call $ngx_wasm_subreq_get_body_len))
    (call $put (i32.const 64) (i32.const 7))
    (local.set $rc (call $ngx_wasm_subreq_get_header (i32.const 88) (i32.const 5) (i32.const 3072) (i32.const 512)))
    (if (i32.gt_s (local.get $rc) (i32.const 0))
      (then (call $put (i32.const 3072) (local.get $rc)))
      (else (call $num (local.get $rc))))
    (call $put (i32.const 72) (i32.const 6))
    (local.set $rc (call $ngx_wasm_subreq_get_body (i32.add (i32.const 4096) (global.get $olen))
                                                   (i32.sub (i32.const 126976) (global.get $olen))))
    (if (i32.gt_s (local.get $rc) (i32.const 0))
      (then (global.set $olen (i32.add (global.get $olen) (local.get $rc)))))
    (drop (call $ngx_wasm_resp_write (i32.const 4096) (global.get $olen)))
    (i32.const 0))
  (func (export "on_get") (result i32) (call $probe (i32.const 0)))
  (func (export "on_post") (result i32) (call $probe (i32.const 8)))
  (global $rw (mut i32) (i32.const 0))
  (global $yields (mut i32) (i32.const 0))
  (data (i32.const 128) "/ret")
  (data (i32.const 136) "X-Sub-Status")
  (data (i32.const 152) "yielded twice")
  (func (export "on_rw") (result i32)
    ;; rewrite: a subrequest, then fall through (no status, no body) with its status in a request header
    (if (i32.eqz (global.get $rw))
      (then
        (global.set $rw (i32.const 1))
        (return (call $ngx_wasm_subreq (i32.const 128) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))))
    (global.set $olen (i32.const 0))
    (call $num (call $ngx_wasm_subreq_get_status))
    (drop (call $ngx_wasm_req_set_header (i32.const 136) (i32.const 12) (i32.const 4096) (global.get $olen)))
    (i32.const 0))
  (func (export "on_yielder") (result i32)
    ;; the subrequest's own guest yields twice before it answers
    (if (i32.lt_u (global.get $yields) (i32.const 2))
      (then
        (global.set $yields (i32.add (global.get $yields) (i32.const 1)))
        (return (call $ngx_wasm_yield))))
    (call $ngx_wasm_resp_write (i32.const 152) (i32.const 13)))
  (func (export "on_launch_trap") (result i32)
    ;; launches, then traps in the same invocation: the request fails, the subrequest still ends
    (drop (call $ngx_wasm_subreq (i32.const 128) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1)))
    unreachable)
  (func (export "on_guest") (result i32)
    (drop (call $ngx_wasm_resp_set_status (i32.const 202)))
    (drop (call $ngx_wasm_resp_set_header (i32.const 88) (i32.const 5) (i32.const 32) (i32.const 12)))
    (call $ngx_wasm_resp_write (i32.const 112) (i32.const 14)))`;

const BIG = Buffer.alloc(100 * 1024, "0123456789abcdef");

interface Probe {
  second: number;
  status: number;
  len: number;
  xSub: string;
  body: string;
}

function parseProbe(text: string): Probe {
  const m = /^second=(-?\d+);status=(-?\d+);len=(-?\d+);x-sub=(.*?);body=([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`not a probe report: ${JSON.stringify(text.slice(0, 200))}`);
  return { second: Number(m[1]), status: Number(m[2]), len: Number(m[3]), xSub: m[4]!, body: m[5]! };
}

const VARIANTS = [
  { name: "module", asan: false },
  { name: "ASan module", asan: true },
];

describe.each(VARIANTS)("subrequests in nginx ($name)", (variant) => {
  let ngx: Nginx;
  let raw: NetServer;
  let rawPort = 0;
  const rawRequests: Buffer[] = [];
  const openSockets = new Set<Socket>();

  beforeAll(async () => {
    // A raw TCP upstream: records the request bytes; /slow never answers.
    raw = createNetServer((socket) => {
      openSockets.add(socket);
      socket.on("close", () => openSockets.delete(socket));
      let got = Buffer.alloc(0);
      socket.on("data", (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (!got.includes("\r\n\r\n")) return;
        rawRequests.push(got);
        if (got.toString("latin1").includes(" /slow")) return; // hold the connection open
        const body = '{"upstream":"raw"}';
        socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Sub: raw\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
    rawPort = (raw.address() as { port: number }).port;

    ngx = await Nginx.create("subrequests", { ports: 4, asan: variant.asan });
    const probe = ngx.addFile("wasm/probe.wasm", await abiGuest(PROBE, { memoryPages: 2 }));
    const aggregate = ngx.addGuest("aggregate", await buildGuest("guests/aggregate"));
    ngx.addFile("html/files/a.txt", "static file\n");
    ngx.addFile("html/files/big.bin", BIG);
    const at = (name: string, uri: string, args = "", more = "", exp = "on_get") =>
      `location = /${name} { set $sr_uri "${uri}"; set $sr_args "${args}"; ${more} content_by_wasm ${probe} ${exp}; }`;
    await ngx.start(`
    log_format sr '$uri $status';
    server {
        listen ${ngx.listen()};
        access_log access.log sr;
        root html;
        ${at("static", "/files/a.txt")}
        ${at("return", "/ret")}
        ${at("proxy", "/px/svc", "q=1")}
        ${at("guest", "/run-guest")}
        ${at("missing", "/nothing/here")}
        ${at("down", "/down/x")}
        ${at("timeout", "/slow/t")}
        ${at("big", "/files/big.bin")}
        ${at("big-fits", "/files/big.bin", "", "wasm_subrequest_buffer_size 128k;")}
        ${at("raw", "/raw/path", "a=1&b=two", "", "on_post")}
        ${at("hang", "/slow/hang")}
        ${at("yielding", "/yielder")}
        location = /rw { rewrite_by_wasm ${probe} on_rw; return 200 "fell through, subrequest status $http_x_sub_status\n"; }
        location = /yielder { content_by_wasm ${probe} on_yielder; }
        location = /launch-trap { content_by_wasm ${probe} on_launch_trap; }
        ${at("nested", "/inner")}
        ${at("inner", "/files/a.txt")}
        location = /launch-trap-rw { rewrite_by_wasm ${probe} on_launch_trap; return 200; }
        location = /ret { return 200 "returned\\n"; }
        location /px/ { proxy_pass http://${ngx.listen(1)}/; }
        location = /run-guest { content_by_wasm ${probe} on_guest; }
        location /down/ { proxy_pass http://${ngx.listen(2)}; }
        location /slow/ { proxy_pass http://127.0.0.1:${rawPort}; proxy_read_timeout 300ms; }
        location = /slow/hang { proxy_pass http://127.0.0.1:${rawPort}; proxy_read_timeout 60s; }
        location /raw/ { proxy_pass http://127.0.0.1:${rawPort}; }
        location = /aggregate { content_by_wasm ${aggregate} on_content; }
        location /internal/user { internal; proxy_pass http://${ngx.listen(1)}/users; }
        location /internal/orders { internal; proxy_pass http://${ngx.listen(3)}/orders; }
        location = /conns { stub_status; }
    }
    server {
        listen ${ngx.listen(1)};
        default_type application/json;
        location = /svc { add_header X-Sub "second server"; return 200 '{"service":"second","args":"$args"}'; }
        location = /users { return 200 '{"name":"Ann","args":"$args","accept":"$http_accept"}'; }
    }
    server {
        listen ${ngx.listen(3)};
        default_type application/json;
        location = /orders { return 200 '{"orders":[{"id":1,"total":12.5}],"args":"$args"}'; }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
    if (variant.asan) expect(ngx.asanReports()).toEqual([]);
    for (const s of openSockets) s.destroy();
    await new Promise((r) => raw?.close(r));
  });

  const probe = async (path: string): Promise<Probe> => {
    const res = await ngx.get(path);
    expect(res.status, res.text).toBe(200);
    return parseProbe(res.text);
  };

  it("a static file: status, length and body captured; a second launch while one runs is -2", async () => {
    expect(await probe("/static")).toEqual({ second: -2, status: 200, len: 12, xSub: "-1", body: "static file\n" });
  });

  it("return", async () => {
    expect(await probe("/return")).toMatchObject({ status: 200, len: 9, body: "returned\n" });
  });

  it("proxy_pass to a second server block: its header, its body, the args", async () => {
    expect(await probe("/proxy")).toMatchObject({ status: 200, xSub: "second server", body: '{"service":"second","args":"q=1"}' });
  });

  it("a location that runs a guest itself: its status, header and body", async () => {
    expect(await probe("/guest")).toMatchObject({ status: 202, xSub: "staged value", body: "from the guest" });
  });

  it("from rewrite: a subrequest, then the guest falls through to the location's own handlers", async () => {
    const res = await ngx.get("/rw");
    expect(res.status).toBe(200);
    expect(res.text).toBe("fell through, subrequest status 200\n");
  });

  it("a subrequest to a location whose guest yields twice before it answers", async () => {
    expect(await probe("/yielding")).toMatchObject({ status: 200, len: 13, body: "yielded twice" });
  });

  it("a guest that fails after launching: 500 and one log line, in content and rewrite; the worker goes on", async () => {
    const [pid] = ngx.workerPids();
    for (const path of ["/launch-trap", "/launch-trap-rw"]) {
      const mark = ngx.logSize();
      const res = await ngx.get(path);
      expect(res.status, path).toBe(500);
      const lines = ngx.errorLogSince(mark).split("\n").filter((l) => /\[(error|alert|crit)\]/.test(l));
      expect(lines, path).toHaveLength(1);
      expect(lines[0]).toMatch(/export "on_launch_trap" \(phase (content|rewrite)\) trapped: unreachable/);
    }
    expect((await ngx.get("/return")).status).toBe(200);
    expect(ngx.workerPids()).toEqual([pid]);
  });

  it("nested: the subrequest's guest launches a subrequest of its own", async () => {
    const outer = await probe("/nested");
    expect(outer).toMatchObject({ second: -2, status: 200 });
    expect(parseProbe(outer.body)).toEqual({ second: -2, status: 200, len: 12, xSub: "-1", body: "static file\n" });
  });

  it("404, upstream down (502) and an upstream timeout (504) are statuses; the parent answers 200", async () => {
    expect((await probe("/missing")).status).toBe(404);
    expect((await probe("/down")).status).toBe(502);
    const t0 = Date.now();
    expect((await probe("/timeout")).status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("a body over wasm_subrequest_buffer_size (64k) is not captured, and says so; 128k captures it", async () => {
    const mark = ngx.logSize();
    expect(await probe("/big")).toMatchObject({ status: 200, len: -2, body: "" });
    expect(ngx.errorLogSince(mark)).toMatch(/\[warn\].*wasm: subrequest "\/files\/big\.bin" answered more than wasm_subrequest_buffer_size \(65536 bytes\): its body is not captured/);
    const fits = await probe("/big-fits");
    expect(fits.len).toBe(BIG.length);
    expect(Buffer.from(fits.body, "latin1").equals(BIG) || fits.body === BIG.toString("latin1")).toBe(true);
  });

  it("the method, the args and the staged header reach the upstream (raw bytes)", async () => {
    rawRequests.length = 0;
    const res = await httpFetch(ngx.url("/raw"), { headers: { "X-Client": "c1", "X-Staged": "from the client" } });
    expect(parseProbe(res.text)).toMatchObject({ status: 200, xSub: "raw", body: '{"upstream":"raw"}' });
    expect(rawRequests).toHaveLength(1);
    const head = rawRequests[0]!.toString("latin1");
    expect(head.startsWith("POST /raw/path?a=1&b=two HTTP/1.0\r\n"), head).toBe(true);
    expect(head).toContain("\r\nX-Staged: staged value\r\n");
    expect(head).not.toContain("from the client"); // replaced, not repeated
    expect(head).toContain("\r\nX-Client: c1\r\n"); // the parent's other headers go along
  });

  it("a client that leaves while the subrequest waits on its upstream: the request ends (499), nothing leaks", async () => {
    const [pid] = ngx.workerPids();
    const once = async (): Promise<void> => {
      const before = rawRequests.length;
      const req = request({ host: "127.0.0.1", port: ngx.port, path: "/hang", agent: false });
      req.on("error", () => undefined);
      req.end();
      const deadline = Date.now() + 5000;
      while (rawRequests.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      req.destroy();
    };
    const mark = ngx.logSize();
    await once();
    const waitFor = async (check: () => boolean): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(() => ngx.readFile("access.log").includes("/hang 499"));
    await waitFor(() => openSockets.size === 0); // nginx closed its upstream connection
    const rss0 = ngx.rssKiB(pid!);
    for (let i = 0; i < 200; i++) await once();
    await waitFor(() => ngx.readFile("access.log").split("\n").filter((l) => l === "/hang 499").length >= 201);
    await waitFor(() => openSockets.size === 0);
    const conns = await ngx.get("/conns");
    expect(conns.text).toMatch(/^Active connections: 1 \n/); // only this one
    expect(ngx.workerPids()).toEqual([pid]);
    if (!variant.asan) expect(ngx.rssKiB(pid!) - rss0).toBeLessThan(1024);
    expect(ngx.errorLogSince(mark)).not.toMatch(/\[(alert|crit|emerg)\]/);
  });

  it("guests/aggregate merges the JSON answers of two services, called through subrequests", async () => {
    const res = await ngx.get("/aggregate?id=7");
    expect(res.status).toBe(200);
    const json = JSON.parse(res.text);
    expect(json.id).toBe("7");
    expect(json.user.status).toBe(200);
    expect(json.user.body).toEqual({ name: "Ann", args: "id=7", accept: "application/json" });
    expect(json.orders.status).toBe(200);
    expect(json.orders.body).toEqual({ orders: [{ id: 1, total: 12.5 }], args: "user=7" });
    expect((await ngx.get("/aggregate")).status).toBe(400);
  });
});
