// Header and body filters on responses nginx produces itself: a proxied
// upstream (a second server block in the same config) and a static file,
// both large enough to arrive in many chunks. The probe's body filter
// upper-cases each chunk and appends "|chunks=N|EOF" to the last one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

/** 300 KiB of numbered lower-case lines: far more than one proxy or output buffer. */
function bigBody(): string {
  let text = "";
  for (let i = 0; text.length < 300 * 1024; i++) text += `line ${String(i).padStart(6, "0")} abcdefghijklmnopqrstuvwxyz\n`;
  return text;
}

describe("filters on proxied and static responses", () => {
  let ngx: Nginx;
  const big = bigBody();

  beforeAll(async () => {
    ngx = await Nginx.create("filters", { ports: 2 });
    const probe = ngx.addGuest("probe", await watGuest("probe"));
    ngx.addFile("html/big.txt", big);
    ngx.addFile("html/small.txt", "hello from file\n");
    await ngx.start(`
    proxy_cache_path cache keys_zone=filters:1m;

    # the upstream
    server {
        listen ${ngx.listen(1)};
        location = /big   { alias html/big.txt; }
        location = /small { return 200 "small upstream body\\n"; }
        location = /json  { default_type application/json; return 200 '{"up":1}'; }
    }

    server {
        listen ${ngx.listen(0)};

        location /proxied/ {
            proxy_pass http://${ngx.listen(1)}/;
            proxy_buffer_size 4k;
            proxy_buffers 4 4k;
            header_filter_by_wasm ${probe} on_header;
            body_filter_by_wasm ${probe} on_body;
        }

        location /header-only/ {
            proxy_pass http://${ngx.listen(1)}/;
            header_filter_by_wasm ${probe} on_header;
        }

        location = /static {
            alias html/big.txt;
            output_buffers 2 16k;
            body_filter_by_wasm ${probe} on_body;
        }

        location = /static-4 {
            alias html/small.txt;
            wasm_body_filter_file_chunk_size 4;
            body_filter_by_wasm ${probe} on_body;
        }

        location = /static-1000 {
            alias html/big.txt;
            wasm_body_filter_file_chunk_size 1000;
            body_filter_by_wasm ${probe} on_body;
        }

        location = /static-untouched {
            alias html/big.txt;
            wasm_body_filter_file_chunk_size 0;
            body_filter_by_wasm ${probe} on_body;
        }

        # a cache hit is served from the cache file: file-backed buffers
        location /cached/ {
            proxy_pass http://${ngx.listen(1)}/;
            proxy_cache filters;
            proxy_cache_valid 200 1m;
            add_header X-Cache $upstream_cache_status;
            wasm_body_filter_file_chunk_size 3000;
            body_filter_by_wasm ${probe} on_body;
        }
    }`);
  });

  afterAll(async () => {
    await ngx?.stop();
  });

  it("header filter on a proxied response sees the upstream's Content-Type and adds a header", async () => {
    const res = await ngx.get("/header-only/json");
    expect(res.status).toBe(200);
    expect(res.headers["x-header-filter"]).toBe("seen");
    expect(res.headers["x-seen-content-type"]).toBe("application/json");
    expect(res.text).toBe('{"up":1}');
  });

  it("body filter on a small proxied response: one marked eof", async () => {
    const res = await ngx.get("/proxied/small");
    expect(res.status).toBe(200);
    expect(res.headers["x-header-filter"]).toBe("seen");
    expect(res.text).toMatch(/^SMALL UPSTREAM BODY\n\|chunks=\d+\|EOF$/);
  });

  it("body filter on a 300 KiB proxied response: every chunk transformed, eof marked once at the end", async () => {
    const res = await ngx.get("/proxied/big");
    expect(res.status).toBe(200);
    const m = /\|chunks=(\d+)\|EOF$/.exec(res.text);
    expect(m, res.text.slice(-200)).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(1);
    const body = res.text.slice(0, m!.index);
    expect(body.length).toBe(big.length);
    expect(body).toBe(big.toUpperCase());
    expect(res.text.match(/\|EOF/g)).toHaveLength(1);
  });

  it("body filter on a static file read in many output buffers", async () => {
    const res = await ngx.get("/static");
    expect(res.status).toBe(200);
    const m = /\|chunks=(\d+)\|EOF$/.exec(res.text);
    expect(m, res.text.slice(-200)).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(1);
    expect(res.text.slice(0, m!.index)).toBe(big.toUpperCase());
  });

  // wasm_body_filter_file_chunk_size: file-backed bodies reach the guest in
  // windows of at most SIZE bytes (default 16k); 0 passes them untouched
  it("a 16-byte file with wasm_body_filter_file_chunk_size 4: four chunks of 4", async () => {
    const res = await ngx.get("/static-4");
    expect(res.status).toBe(200);
    expect(res.text).toBe("HELLO FROM FILE\n|chunks=4|EOF");
  });

  it("a 300 KiB file: ceil(size / 1000) chunks with 1000, ceil(size / 16384) by default", async () => {
    const small = await ngx.get("/static-1000");
    expect(small.text).toBe(`${big.toUpperCase()}|chunks=${Math.ceil(big.length / 1000)}|EOF`);
    const byDefault = await ngx.get("/static");
    expect(byDefault.text).toBe(`${big.toUpperCase()}|chunks=${Math.ceil(big.length / 16384)}|EOF`);
  });

  it("with 0 the file passes untouched and the guest sees only the end of the body", async () => {
    const res = await ngx.get("/static-untouched");
    expect(res.status).toBe(200);
    expect(res.text).toBe(`${big}|chunks=1|EOF`);
  });

  it("a proxied body, then the same from the cache file: transformed alike, the hit in windows of 3000", async () => {
    const miss = await ngx.get("/cached/big");
    const hit = await ngx.get("/cached/big");
    expect([miss.headers["x-cache"], hit.headers["x-cache"]]).toEqual(["MISS", "HIT"]);
    expect(miss.text.replace(/\|chunks=\d+\|EOF$/, "")).toBe(big.toUpperCase());
    expect(hit.text).toBe(`${big.toUpperCase()}|chunks=${Math.ceil(big.length / 3000)}|EOF`);
  });
});
