// Body filters stream in bounded memory: a 200 MiB response (proxied from a
// second server block, or a static file) through a filter that only reads
// each chunk and through one that replaces each chunk arrives complete and
// correct, and the worker's resident memory stays flat while it passes
// (before the streaming body filter it grew by the response's size, twice
// that for a rewriting filter). And a guest that exhausts its 16 MiB of
// memory is reported as such in the error log.
//
// The file is generated on disk under the nginx prefix and hashed while it
// is written; the client hashes what arrives as it arrives. RSS is the
// worker's VmRSS, sampled every 20 ms during each transfer.
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuest } from "../support/guests.js";
import { Nginx } from "../support/nginx.js";
import { watGuest } from "./wat.js";

const MIB = 1024 * 1024;
const BLOCKS = 200; // 200 MiB
/** Worker RSS may grow by less than this during one transfer. */
const RSS_BOUND_KB = 16 * 1024;

interface Expected {
  length: number;
  sha256: string;
  upperSha256: string;
}

/** ASCII a-z to A-Z, as the WAT filter does (the SDK uppercase agrees on ASCII). */
function upper(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c >= 97 && c <= 122) out[i] = c - 32;
  }
  return out;
}

/**
 * BLOCKS blocks of 1 MiB of lower-case text lines, each block starting with
 * its own number (so no two blocks are equal), written to `path`.
 */
function writeBigFile(path: string): Expected {
  const header = (i: number): string => `block ${String(i).padStart(6, "0")}\n`;
  let text = "";
  for (let i = 0; text.length < MIB - header(0).length; i++) {
    text += `line ${String(i).padStart(6, "0")} the quick brown fox jumps over the lazy dog\n`;
  }
  const base = Buffer.from(text.slice(0, MIB - header(0).length));
  const baseUpper = upper(base);
  const plain = createHash("sha256");
  const up = createHash("sha256");
  const fd = openSync(path, "w");
  try {
    for (let i = 0; i < BLOCKS; i++) {
      const h = Buffer.from(header(i));
      writeSync(fd, h);
      writeSync(fd, base);
      plain.update(h).update(base);
      up.update(upper(h)).update(baseUpper);
    }
  } finally {
    closeSync(fd);
  }
  return { length: BLOCKS * MIB, sha256: plain.digest("hex"), upperSha256: up.digest("hex") };
}

function vmRssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

interface Transfer {
  length: number;
  sha256: string;
  /** 0: the connection closed before a response. */
  status: number;
  /** An error the response ended with (cut connection), if any. */
  error?: string;
  rssBeforeKb: number;
  rssPeakKb: number;
  rssAfterKb: number;
}

/**
 * GET `url`, hashing the body as it arrives, sampling `pid`'s RSS meanwhile.
 * `pauseMs`: stop reading that long after the first data (a slow client).
 */
function streamGet(url: string, pid: number, pauseMs = 0, timeoutMs = 120_000): Promise<Transfer> {
  const rssBeforeKb = vmRssKb(pid);
  let rssPeakKb = rssBeforeKb;
  const sampler = setInterval(() => {
    try {
      rssPeakKb = Math.max(rssPeakKb, vmRssKb(pid));
    } catch {
      /* worker gone: the test fails elsewhere */
    }
  }, 20);
  return new Promise<Transfer>((resolve) => {
    const hash = createHash("sha256");
    let length = 0;
    let status = 0;
    let finished = false;
    const done = (error?: string): void => {
      if (finished) return;
      finished = true;
      clearInterval(sampler);
      const rssAfterKb = vmRssKb(pid);
      rssPeakKb = Math.max(rssPeakKb, rssAfterKb);
      resolve({ status, length, sha256: hash.digest("hex"), error, rssBeforeKb, rssPeakKb, rssAfterKb });
    };
    const req = httpRequest(url, { agent: false }, (res) => {
      status = res.statusCode ?? 0;
      res.on("data", (c: Buffer) => {
        if (length === 0 && pauseMs > 0) {
          res.pause();
          setTimeout(() => res.resume(), pauseMs);
        }
        length += c.length;
        hash.update(c);
      });
      res.on("error", (e) => done(e.message));
      res.on("aborted", () => done("aborted"));
      res.on("end", () => (res.complete ? done() : done("incomplete")));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request to ${url} timed out`)));
    // a connection closed before or during the response is a result too
    req.on("error", (e) => done(e.message));
    req.end();
  });
}

describe("body filters stream in bounded memory", () => {
  let ngx: Nginx;
  let expected: Expected;
  let worker: number;
  let bigPath: string;

  beforeAll(async () => {
    ngx = await Nginx.create("body-memory", { ports: 2 });
    const m = ngx.addGuest("body-memory", await watGuest("body-memory"));
    const uppercase = ngx.addGuest("uppercase", await buildGuest("guests/uppercase"));
    const sdkFilter = ngx.addGuest("sdk-body-filter", await buildGuest("test/guests/sdk-body-filter"));
    const hog = ngx.addGuest("sdk-memory-hog", await buildGuest("test/guests/sdk-memory-hog"));
    bigPath = join(ngx.prefix, "html", "big.txt");
    expected = writeBigFile(bigPath);
    ngx.addFile("html/small.txt", "small body\n");
    const up = `http://${ngx.listen(1)}`;
    await ngx.start(`
    # the upstream: the generated file, and a small one
    server {
        listen ${ngx.listen(1)};
        location = /big   { alias html/big.txt; }
        location = /small { alias html/small.txt; }
    }

    server {
        listen ${ngx.listen(0)};
        # wasm_time_limit is wall-clock time: a loaded 2-core test machine
        # can stall one chunk's call past the default 100ms
        wasm_time_limit 2s;

        location = /proxy/none       { proxy_pass ${up}/big; }
        location = /proxy/pass       { proxy_pass ${up}/big; body_filter_by_wasm ${m} on_pass; }
        location = /proxy/upper      { proxy_pass ${up}/big; body_filter_by_wasm ${m} on_upper; }
        location = /proxy/sdk-upper  {
            proxy_pass ${up}/big;
            header_filter_by_wasm ${uppercase} on_header;
            body_filter_by_wasm ${uppercase} on_body;
        }
        location = /proxy/sdk-pass   { proxy_pass ${up}/big; body_filter_by_wasm ${sdkFilter} on_body_passthrough; }
        location = /proxy/nb-upper   { proxy_buffering off; proxy_pass ${up}/big; body_filter_by_wasm ${m} on_upper; }
        location = /proxy/nb-drop    { proxy_buffering off; proxy_pass ${up}/big; body_filter_by_wasm ${m} on_drop; }
        location = /static/pass      { alias html/big.txt; body_filter_by_wasm ${m} on_pass; }
        location = /static/upper     { alias html/big.txt; body_filter_by_wasm ${m} on_upper; }

        location = /exhaust/content  { content_by_wasm ${m} on_exhaust; }
        location = /exhaust/header   { proxy_pass ${up}/small; header_filter_by_wasm ${m} on_exhaust; }
        location = /exhaust/body     { proxy_pass ${up}/big; body_filter_by_wasm ${m} on_exhaust; }
        location = /exhaust/sdk      { content_by_wasm ${hog} on_content; }
        location = /exhaust/sdk-body { proxy_pass ${up}/small; body_filter_by_wasm ${hog} on_body; }
    }`);
    const workers = ngx.workerPids();
    expect(workers).toHaveLength(1);
    worker = workers[0]!;
  }, 180_000);

  afterAll(async () => {
    await ngx?.stop();
    // 200 MiB is too much to keep for a post-mortem
    if (bigPath) rmSync(bigPath, { force: true });
  });

  async function transfer(path: string, pauseMs = 0): Promise<Transfer> {
    const t = await streamGet(ngx.url(path), worker, pauseMs);
    const grewKb = t.rssPeakKb - t.rssBeforeKb;
    // one line per transfer, for whoever reads the test output
    console.log(`${path}: ${t.length} bytes, worker RSS ${t.rssBeforeKb} kB before, peak +${grewKb} kB`);
    return t;
  }

  function expectComplete(t: Transfer, sha256: string): void {
    expect(t.error).toBeUndefined();
    expect(t.status).toBe(200);
    expect(t.length).toBe(expected.length);
    expect(t.sha256).toBe(sha256);
  }

  function expectFlat(t: Transfer): void {
    expect(t.rssPeakKb - t.rssBeforeKb).toBeLessThan(RSS_BOUND_KB);
  }

  it("without a filter (reference)", async () => {
    const t = await transfer("/proxy/none");
    expectComplete(t, expected.sha256);
    expectFlat(t);
  }, 120_000);

  it("200 MiB proxied through a WAT filter that only reads chunks: complete, RSS flat", async () => {
    const t = await transfer("/proxy/pass");
    expectComplete(t, expected.sha256);
    expectFlat(t);
  }, 120_000);

  it("200 MiB proxied through a WAT filter that replaces every chunk (uppercase): complete, RSS flat", async () => {
    const t = await transfer("/proxy/upper");
    expectComplete(t, expected.upperSha256);
    expectFlat(t);
  }, 120_000);

  it("200 MiB static file through the reading and the replacing WAT filters: complete, RSS flat", async () => {
    const pass = await transfer("/static/pass");
    expectComplete(pass, expected.sha256);
    expectFlat(pass);
    const up = await transfer("/static/upper");
    expectComplete(up, expected.upperSha256);
    expectFlat(up);
  }, 240_000);

  it("200 MiB static file through the replacing filter to a client that stops reading for a second: backpressure, RSS flat", async () => {
    // without backpressure the filter would consume the whole file while the
    // client waits, and hold its replacement in memory
    const t = await transfer("/static/upper", 1000);
    expectComplete(t, expected.upperSha256);
    expectFlat(t);
  }, 120_000);

  it("200 MiB unbuffered proxy (every buffer flushes) through the replacing and a dropping filter: RSS flat", async () => {
    const up = await transfer("/proxy/nb-upper");
    expectComplete(up, expected.upperSha256);
    expectFlat(up);
    const dropped = await transfer("/proxy/nb-drop");
    expect(dropped.error).toBeUndefined();
    expect(dropped.status).toBe(200);
    expect(dropped.length).toBe(0);
    expectFlat(dropped);
  }, 240_000);

  it("200 MiB proxied through the SDK guest guests/uppercase: complete, RSS flat", async () => {
    const t = await transfer("/proxy/sdk-upper");
    expectComplete(t, expected.upperSha256);
    expectFlat(t);
  }, 300_000);

  it("200 MiB proxied through an SDK filter that only reads chunks (sdk-body-filter on_body_passthrough): complete, RSS flat", async () => {
    const t = await transfer("/proxy/sdk-pass");
    expectComplete(t, expected.sha256);
    expectFlat(t);
  }, 300_000);

  describe("a guest that exhausts its memory", () => {
    const line = (exportName: string, phase: string, guest = "body-memory"): RegExp =>
      new RegExp(
        `\\[error\\].*wasm: guest "[^"]*${guest}\\.wasm" export "${exportName}" \\(phase ${phase}\\) ` +
          `trapped: memory limit \\(16 MiB\\) reached, then: unreachable executed`,
      );

    it("content phase: 500, and the log says the memory limit was reached, with export and phase", async () => {
      const mark = ngx.logSize();
      const res = await ngx.get("/exhaust/content");
      expect(res.status).toBe(500);
      await ngx.waitForLog(line("on_exhaust", "content"), mark);
    });

    it("header filter: 500, same log line for phase header_filter", async () => {
      const mark = ngx.logSize();
      const res = await ngx.get("/exhaust/header");
      expect(res.status).toBe(500);
      await ngx.waitForLog(line("on_exhaust", "header_filter"), mark);
    });

    it("body filter: the response is cut, same log line for phase body_filter", async () => {
      const mark = ngx.logSize();
      const t = await streamGet(ngx.url("/exhaust/body"), worker);
      // the first chunk fails: the connection closes, before the (buffered)
      // headers or after them
      expect(t.error).toBeDefined();
      expect(t.length).toBeLessThan(expected.length);
      await ngx.waitForLog(line("on_exhaust", "body_filter"), mark);
    });

    it("an SDK guest allocating in a loop: 500 in the content phase, a cut response in a body filter, both logged so", async () => {
      let mark = ngx.logSize();
      const res = await ngx.get("/exhaust/sdk");
      expect(res.status).toBe(500);
      await ngx.waitForLog(line("on_content", "content", "sdk-memory-hog"), mark);
      mark = ngx.logSize();
      const t = await streamGet(ngx.url("/exhaust/sdk-body"), worker);
      expect(t.error).toBeDefined();
      await ngx.waitForLog(line("on_body", "body_filter", "sdk-memory-hog"), mark);
    });
  });

  it("nginx logged no alert or crit (e.g. \"zero size buf\") for any of these transfers", () => {
    expect(ngx.errorLog()).not.toMatch(/\[(alert|crit|emerg)\]/);
  });
});
