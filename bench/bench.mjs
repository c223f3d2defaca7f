// `make bench`: this project's module against Debian's Lua (libnginx-mod-http-lua,
// LuaJIT) and njs (libnginx-mod-http-js) modules, in one nginx with one worker.
//
//   node bench/bench.mjs        (after `make build`; make bench does both)
//   BENCH_ROUNDS (5), BENCH_SECONDS (3): rounds of wrk, seconds per wrk run
//   (more, shorter rounds: their median shrugs off a round the machine slowed)
//   BENCH_RATE (2000), BENCH_LATENCY_SECONDS (5): the fixed-rate latency client
//   BENCH_MODULE: the module to load (default build/module/ngx_http_wasm_module.so)
//
// Throughput (wrk -t1 -c32, keep-alive), interleaved: every round runs every
// target once (hello: return, Lua, njs, wasm; upper: static, Lua, njs, wasm;
// json: Lua, njs, wasm), so a load change on the machine hits all alike; the
// table shows the median of the rounds and its ratio against each anchor
// (nginx's own handler where there is one, Lua, njs).
//   hello  "hello, world\n": `return 200`, content_by_lua_block, js_content,
//          content_by_wasm guests/hello
//   upper  a 100 KiB ASCII text file through a body filter that upper-cases it:
//          the plain file, body_filter_by_lua (string.upper), js_body_filter
//          (toUpperCase), guests/uppercase (header + body filter, Utf8); each
//          filter drops Content-Length
//   json   200 objects {id, name, value} built, encoded, decoded, `value`
//          summed, the sum answered ("60300\n"): Lua with cjson, njs with
//          JSON, wasm bench/guests/json-roundtrip (the SDK's JSON: JsonWriter
//          to UTF-8 bytes, Json.parseBytes into a value tree, get("value"))
//   upper and json also run with wasm_fuel_limit (same guest, compiled with
//   fuel charges): the cost of fuel.
//   hello, 16 pipelined: the hello targets again, each connection writing 16
//          requests at once (a wrk script): less of each request is the
//          kernel's loopback TCP, so the handlers' own costs show more.
// Every run also reads the nginx worker's CPU time (utime + stime, /proc) and
// prints it per request (µs/req); the per-request figure of the hello handlers
// is that time minus return 200's, pipelined.
// Every target's body is checked once, before timing, against the others.
// Latency: an open-loop client (below) at BENCH_RATE req/s against the four
// hello targets, p50/p99 measured from each request's scheduled start. Then
// the same client on the hello guest while another requests a guest that
// computes ~200 ms (bench/guests/compute) back to back, run to completion
// and with wasm_timeslice_fuel.
// Memory and start-up: worker VmRSS of plain nginx, nginx + the module, and
// nginx + the module with 20 distinct guests loaded (each requested); `nginx -t`
// with 10 cached guests; the hello guest's size; a warm `ngxwasm build`.
// Per-request cost: 1/req_s(hello guest) - 1/req_s(return 200) in µs, per round,
// median: what the guest adds to a whole request (an upper bound of its set-up).
//
// Prints tables, writes build/bench/results.json and build/bench/chart.svg.
// Asserts nothing about speed; fails on a wrong body, or a non-2xx answer or
// socket error under wrk; the latency table counts failed requests.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { cpus, release } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NGINX = process.env.NGINX || "/usr/sbin/nginx";
const OUT = join(ROOT, "build", "bench");                 // results, chart, nginx prefixes
const GUESTS = join(ROOT, "build", "bench-guests");       // bench guests (json, 20 distinct)
const CACHE = join(ROOT, "build", "bench-cache");         // compiled guests, kept between runs
const MODULE_SO = process.env.BENCH_MODULE || join(ROOT, "build", "module", "ngx_http_wasm_module.so");
const MODDIR = "/usr/lib/nginx/modules";
const LUA_CPATH = "/usr/lib/x86_64-linux-gnu/lua/5.1/?.so";   // lua-cjson's cjson.so for Lua 5.1 / LuaJIT
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const SECONDS = Number(process.env.BENCH_SECONDS || 3);
const RATE = Number(process.env.BENCH_RATE || 2000);
const LAT_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS || 5);
const DISTINCT = 20;     // guests loaded for the RSS figure
const PIPELINE = 16;     // requests per write in the pipelined hello workload
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
const CACHED = 10;       // guests in the timed `nginx -t`
const UPPER_BYTES = 100 * 1024;
const SLICE = 100000;              // wasm_timeslice_fuel of /compute/sliced
const LONG_MS = 200;               // how long the long request computes
const JSON_SUM = "60300\n";   // 3 * (1 + ... + 200)

const die = (msg) => { console.error(`bench: ${msg}`); process.exit(1); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const fmt = (n, d = 0) => n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

for (const [f, how] of [[MODULE_SO, "make module"], [join(ROOT, "build/guests/hello.wasm"), "make guests"],
  [join(ROOT, "build/guests/uppercase.wasm"), "make guests"], [join(MODDIR, "ngx_http_lua_module.so"), "make bench-apt"],
  [join(MODDIR, "ngx_http_js_module.so"), "make bench-apt"], [join(MODDIR, "ndk_http_module.so"), "make bench-apt"]]) {
  if (!existsSync(f)) die(`missing ${f}: run \`${how}\``);
}
try { execFileSync("wrk", ["--version"], { stdio: "ignore" }); } catch (e) { if (e.code === "ENOENT") die("wrk is not installed (make deps)"); }

// ------------------------------------------------------------ guests

/** Builds the bench guests with the CLI (one process): json-roundtrip, compute and DISTINCT hello variants. */
function buildGuests() {
  const src = join(OUT, "distinct-src");
  rmSync(src, { recursive: true, force: true });
  const dirs = [];
  for (let i = 1; i <= DISTINCT; i++) {
    const name = `distinct-${String(i).padStart(2, "0")}`;
    const dir = join(src, name);
    mkdirSync(dir, { recursive: true });
    const sdk = relative(dir, join(ROOT, "sdk"));
    // distinct bytes (so distinct cache entries and .so files), same shape as hello
    writeFileSync(join(dir, "index.ts"),
      `import { Response, handle } from "${sdk}";\n` +
      `export function on_content(): i32 {\n  return handle((): void => {\n    Response.say("hello from guest ${i}");\n  });\n}\n`);
    dirs.push(dir);
  }
  execFileSync("node", [join(ROOT, "bin/ngxwasm.js"), "build", join(ROOT, "bench/guests/json-roundtrip"), join(ROOT, "bench/guests/compute"), ...dirs,
    "--out-dir", GUESTS], { stdio: ["ignore", "ignore", "inherit"] });
}

// ------------------------------------------------------------ nginx

function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** Writes <prefix>/nginx.conf with `modules` (load_module lines), http-level `httpExtra` and `server` body. */
function writeConf(prefix, { modules, httpExtra = "", server, port }) {
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(join(prefix, "tmp"), { recursive: true });
  writeFileSync(join(prefix, "nginx.conf"), `${modules.map((m) => `load_module ${m};`).join("\n")}
${process.getuid() === 0 ? "user root;" : ""}
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type text/plain;
    keepalive_requests 1000000;   # nginx's default 1000 closes connections under the clients' feet
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
${httpExtra}
    server {
        listen 127.0.0.1:${port};
${server}
    }
}
`);
}

const ngx = (prefix, ...args) => spawnSync(NGINX, ["-p", `${prefix}/`, "-c", "nginx.conf", ...args], { encoding: "utf8" });

const running = [];
process.on("exit", () => { for (const n of running) if (existsSync(join(n.prefix, "nginx.pid"))) n.stop(); });

async function startNginx(prefix, port) {
  const t = ngx(prefix, "-t");
  if (t.status !== 0) { process.stderr.write(t.stderr); die(`nginx -t failed for ${prefix}/nginx.conf`); }
  const s = ngx(prefix, "-e", "error.log");
  if (s.status !== 0) { process.stderr.write(s.stderr); die(`nginx did not start (${prefix})`); }
  for (let i = 0; i < 100; i++) {
    try { await get(port, "/__up"); break; } catch { await sleep(50); }
  }
  const master = Number(readFileSync(join(prefix, "nginx.pid"), "utf8"));
  const n = {
    prefix, port, master,
    worker() { return Number(readFileSync(`/proc/${master}/task/${master}/children`, "utf8").trim().split(/\s+/)[0]); },
    stop() { ngx(prefix, "-s", "quit"); },
  };
  running.push(n);
  return n;
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m[1]);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** GET → { status, body } (Buffer). */
function get(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path, agent }, (res) => {
      const parts = [];
      res.on("data", (d) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(parts) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

// ------------------------------------------------------------ clients

/** The CPU time (user + system) a process has used so far, in µs. */
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;   // utime, stime
}

/**
 * One wrk -t1 -c32 run: { rps, cpu } — requests/s, and the nginx worker's CPU
 * time per request in µs (its utime + stime over the run / requests). With
 * `pipeline`, each connection sends that many requests back to back (wrk
 * script). Dies on non-2xx answers or socket errors.
 */
function wrk(port, path, seconds, { worker, pipeline } = {}) {
  const args = ["-t1", "-c32", `-d${seconds}s`, ...(pipeline ? ["-s", pipelineScript()] : []), `http://127.0.0.1:${port}${path}`,
    ...(pipeline ? ["--", String(pipeline)] : [])];
  const before = worker ? cpuUs(worker) : 0;
  const out = execFileSync("wrk", args, { encoding: "utf8" });
  const used = worker ? cpuUs(worker) - before : NaN;
  if (/Non-2xx|Socket errors/.test(out)) { process.stderr.write(out); die(`wrk: errors from ${path}`); }
  const requests = Number(/^\s*(\d+) requests in/m.exec(out)[1]);
  return { rps: Number(/^Requests\/sec:\s+([\d.]+)/m.exec(out)[1]), cpu: used / requests };
}

/** wrk's pipelining script (its own example, in short): N copies of the request in one write. */
function pipelineScript() {
  const f = join(OUT, "pipeline.lua");
  if (!existsSync(f)) {
    writeFileSync(f, `init = function(args)
  local r = {}
  for i = 1, tonumber(args[1]) do r[i] = wrk.format() end
  req = table.concat(r)
end
request = function() return req end
`);
  }
  return f;
}

/**
 * Open-loop fixed-rate client: request i is due at start + i/rate whatever
 * happened to the earlier ones (no coordinated omission), over keep-alive
 * connections (at most 64; more requests wait in the agent's queue, and that
 * wait counts). Latency runs from the due time to the end of the body.
 */
async function fixedRate(port, path, rate, seconds) {
  const total = Math.round(rate * seconds);
  const lat = [];
  let errors = 0, sent = 0, firstError = null;
  const pending = [];
  const t0 = performance.now() + 20;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && t0 + (sent * 1000) / rate <= now) {
      const due = t0 + (sent * 1000) / rate;
      sent++;
      pending.push(get(port, path).then((r) => {
        if (r.status !== 200) errors++;
        lat.push(performance.now() - due);
      }, (e) => { errors++; firstError ??= e.code || e.message; }));
    }
    await sleep(1);
  }
  await Promise.all(pending);
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { rate, seconds, requests: total, errors, first_error: firstError, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: lat[lat.length - 1] };
}

// ------------------------------------------------------------ targets

const WORKLOADS = [
  { id: "hello", title: "hello", anchors: ["nginx", "lua", "njs"], targets: [
    { id: "nginx", label: 'nginx `return 200`', path: "/hello/return" },
    { id: "lua", label: "Lua content_by_lua", path: "/hello/lua" },
    { id: "njs", label: "njs js_content", path: "/hello/njs" },
    { id: "wasm", label: "wasm guests/hello", path: "/hello/wasm" },
  ] },
  // the same four, 16 requests per write: less of each request is the
  // kernel's loopback TCP, more of it the handler
  { id: "hello16", title: `hello, ${PIPELINE} pipelined`, pipeline: PIPELINE, anchors: ["nginx", "lua", "njs"], targets: [
    { id: "nginx", label: 'nginx `return 200`', path: "/hello/return" },
    { id: "lua", label: "Lua content_by_lua", path: "/hello/lua" },
    { id: "njs", label: "njs js_content", path: "/hello/njs" },
    { id: "wasm", label: "wasm guests/hello", path: "/hello/wasm" },
  ] },
  { id: "upper", title: "upper 100 KiB", anchors: ["nginx", "lua", "njs"], targets: [
    { id: "nginx", label: "nginx static (no filter)", path: "/upper/static" },
    { id: "lua", label: "Lua body_filter_by_lua", path: "/upper/lua" },
    { id: "njs", label: "njs js_body_filter", path: "/upper/njs" },
    { id: "wasm", label: "wasm guests/uppercase", path: "/upper/wasm" },
    { id: "wasm_fuel", label: "  same, wasm_fuel_limit", path: "/upper/fuel" },
  ] },
  { id: "json", title: "json 200 objects", anchors: ["lua", "njs"], targets: [
    { id: "lua", label: "Lua cjson", path: "/json/lua" },
    { id: "njs", label: "njs JSON", path: "/json/njs" },
    { id: "wasm", label: "wasm json-roundtrip", path: "/json/wasm" },
    { id: "wasm_fuel", label: "  same, wasm_fuel_limit", path: "/json/fuel" },
  ] },
];

function mainServer(prefix) {
  const hello = join(ROOT, "build/guests/hello.wasm");
  const upper = join(ROOT, "build/guests/uppercase.wasm");
  const json = join(GUESTS, "json-roundtrip.wasm");
  const compute = join(GUESTS, "compute.wasm");
  const file = join(prefix, "upper.txt");
  return `
        location = /__up { return 204; }
        location = /hello/return { return 200 "hello, world\\n"; }
        location = /hello/lua    { content_by_lua_block { ngx.say("hello, world") } }
        location = /hello/njs    { js_content handlers.hello; }
        location = /hello/wasm   { content_by_wasm ${hello} on_content; }

        location = /upper/static { alias ${file}; }
        location = /upper/lua {
            alias ${file};
            header_filter_by_lua_block { ngx.header.content_length = nil }
            body_filter_by_lua_block { ngx.arg[1] = string.upper(ngx.arg[1]) }
        }
        location = /upper/njs {
            alias ${file};
            js_header_filter handlers.upperHeader;
            js_body_filter handlers.upper;
        }
        location = /upper/wasm {
            alias ${file};
            # the chunks Lua and njs get: the copy filter reads the file for
            # them in output_buffers (2 x 32k); ours reads it itself (16k default)
            wasm_body_filter_file_chunk_size 32k;
            header_filter_by_wasm ${upper} on_header;
            body_filter_by_wasm ${upper} on_body;
        }
        location = /upper/fuel {
            alias ${file};
            wasm_body_filter_file_chunk_size 32k;
            wasm_fuel_limit 1000000000;
            header_filter_by_wasm ${upper} on_header;
            body_filter_by_wasm ${upper} on_body;
        }

        location = /json/lua {
            content_by_lua_block {
                local cjson = require "cjson"
                local items = {}
                for i = 1, 200 do items[i] = { id = i, name = "item-" .. i, value = i * 3 } end
                local decoded = cjson.decode(cjson.encode(items))
                local sum = 0
                for _, o in ipairs(decoded) do sum = sum + o.value end
                ngx.say(sum)
            }
        }
        location = /json/njs  { js_content handlers.json; }
        location = /json/wasm { content_by_wasm ${json} on_content; }
        location = /json/fuel { wasm_fuel_limit 1000000000; content_by_wasm ${json} on_content; }

        # a long request beside hello: run to completion, or in time slices
        location = /compute/plain  { wasm_time_limit 10s; content_by_wasm ${compute} on_content; }
        location = /compute/sliced { wasm_time_limit 10s; wasm_timeslice_fuel ${SLICE}; content_by_wasm ${compute} on_content; }`;
}

/** 100 KiB of lower-case ASCII text, in lines. */
function upperFile() {
  const words = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "nginx", "wasm", "request", "filter"];
  let s = "", i = 0;
  while (s.length < UPPER_BYTES) {
    let line = "";
    while (line.length < 70) line += words[(i++ * 7) % words.length] + " ";
    s += line.trimEnd() + "\n";
  }
  return s.slice(0, UPPER_BYTES - 1) + "\n";
}

// ------------------------------------------------------------ machine

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
  const os = /PRETTY_NAME="([^"]*)"/.exec(existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "");
  const pkg = (p) => { try { return execFileSync("dpkg-query", ["-W", "-f=${Version}", p], { encoding: "utf8" }); } catch { return null; } };
  return {
    nproc: Number(execFileSync("nproc", { encoding: "utf8" }).trim()),
    cpu: cpu ? cpu[1].trim() : cpus()[0]?.model,
    kernel: release(),
    os: os ? os[1] : null,
    nginx: spawnSync(NGINX, ["-v"], { encoding: "utf8" }).stderr.trim().replace(/^nginx version: /, ""),
    lua_module: pkg("libnginx-mod-http-lua"), njs_module: pkg("libnginx-mod-http-js"), lua_cjson: pkg("lua-cjson"),
    node: process.version,
    wrk: pkg("wrk"),
  };
}

// ------------------------------------------------------------ output

function table(rows, header) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i < 2 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Bars: each target's req/s relative to Lua (= 1), per workload; hand-written SVG. */
function chartSvg(results, title) {
  const colors = { nginx: "#888888", lua: "#2c7bb6", njs: "#fdae61", wasm: "#d7191c", wasm_fuel: "#f4a3a5" };
  const names = { nginx: "nginx native", lua: "Lua (LuaJIT)", njs: "njs", wasm: "ngxwasm", wasm_fuel: "ngxwasm + fuel" };
  const groups = WORKLOADS.map((w) => ({ w, bars: w.targets.map((t) => ({ id: t.id, v: results[w.id][t.id].median / results[w.id].lua.median })) }));
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.v)));
  const W = 900, H = 400, left = 60, top = 50, bottom = 60, plotH = H - top - bottom, groupW = (W - left - 20) / groups.length, barW = 34;
  const y = (v) => top + plotH - (v / max) * plotH;
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="${W}" height="${H}" fill="white"/>\n<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>\n`;
  svg += `<text x="${W / 2}" y="37" text-anchor="middle" fill="#555">req/s relative to Lua (= 1.0), median of interleaved rounds, 1 nginx worker</text>\n`;
  for (let t = 0; t <= max + 1e-9; t += max > 4 ? 1 : 0.5) {
    svg += `<line x1="${left}" x2="${W - 20}" y1="${y(t)}" y2="${y(t)}" stroke="${t === 1 ? "#000" : "#ddd"}"/><text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(1)}</text>\n`;
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + (groupW - g.bars.length * (barW + 6)) / 2;
    g.bars.forEach((b, bi) => {
      const x = x0 + bi * (barW + 6);
      svg += `<rect x="${x}" y="${y(b.v)}" width="${barW}" height="${top + plotH - y(b.v)}" fill="${colors[b.id]}"><title>${names[b.id]}: ${b.v.toFixed(2)}</title></rect>`;
      svg += `<text x="${x + barW / 2}" y="${y(b.v) - 4}" text-anchor="middle" font-size="11">${b.v.toFixed(2)}</text>\n`;
    });
    svg += `<text x="${left + gi * groupW + groupW / 2}" y="${top + plotH + 18}" text-anchor="middle">${esc(g.w.title)}</text>\n`;
  });
  Object.entries(names).forEach(([id, n], i) => {
    svg += `<rect x="${left + i * 150}" y="${H - 24}" width="12" height="12" fill="${colors[id]}"/><text x="${left + i * 150 + 16}" y="${H - 14}">${n}</text>\n`;
  });
  return svg + "</svg>\n";
}

// ------------------------------------------------------------ run

async function main() {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(CACHE, { recursive: true });
  console.log("building the bench guests (json-roundtrip, compute, 20 distinct hello variants) into build/bench-guests/");
  buildGuests();

  const results = { date: new Date().toISOString(), machine: machine(),
    settings: { rounds: ROUNDS, seconds: SECONDS, wrk: "wrk -t1 -c32 (keep-alive)", workers: 1, latency_rate: RATE, latency_seconds: LAT_SECONDS } };

  // ---- the main nginx: our module, NDK + Lua, njs
  const prefix = join(OUT, "nginx");
  const port = await freePort();
  writeConf(prefix, {
    port,
    modules: [MODULE_SO, `${MODDIR}/ndk_http_module.so`, `${MODDIR}/ngx_http_lua_module.so`, `${MODDIR}/ngx_http_js_module.so`],
    httpExtra: `    wasm_cache_path ${CACHE};
    lua_package_cpath "${LUA_CPATH};;";
    js_import handlers from ${join(ROOT, "bench/handlers.js")};`,
    server: mainServer(prefix),
  });
  const fileText = upperFile();
  writeFileSync(join(prefix, "upper.txt"), fileText);
  console.log(`starting nginx (${results.machine.nginx}, 1 worker) with ngx_http_wasm_module, Lua, njs on 127.0.0.1:${port} (first start compiles the guests)`);
  const main = await startNginx(prefix, port);

  // same answer from every target of a workload, once, before timing
  const expect = { hello: Buffer.from("hello, world\n"), hello16: Buffer.from("hello, world\n"), upper: Buffer.from(fileText.toUpperCase()), json: Buffer.from(JSON_SUM) };
  for (const w of WORKLOADS) {
    for (const t of w.targets) {
      const want = t.id === "nginx" && w.id === "upper" ? Buffer.from(fileText) : expect[w.id];
      const r = await get(port, t.path);
      if (r.status !== 200 || !r.body.equals(want)) {
        die(`${t.path}: status ${r.status}, ${r.body.length} bytes ${JSON.stringify(r.body.subarray(0, 60).toString())}… (want ${want.length} bytes ${JSON.stringify(want.subarray(0, 60).toString())}…); see ${prefix}/error.log`);
      }
    }
  }
  console.log(`bodies checked: hello ${expect.hello.length} B x4, upper ${expect.upper.length} B x4 (same bytes), json "${JSON_SUM.trim()}" x4`);

  // ---- throughput, interleaved rounds
  const all = WORKLOADS.flatMap((w) => w.targets.map((t) => ({ w, t })));
  for (const { t } of all) wrk(port, t.path, 1);   // warm-up
  const worker = main.worker();
  const rounds = Object.fromEntries(WORKLOADS.map((w) => [w.id, Object.fromEntries(w.targets.map((t) => [t.id, []]))]));
  const cpuRounds = Object.fromEntries(WORKLOADS.map((w) => [w.id, Object.fromEntries(w.targets.map((t) => [t.id, []]))]));
  const eta = Math.round(ROUNDS * all.length * SECONDS + WORKLOADS[0].targets.length * LAT_SECONDS + 30);
  console.log(`${ROUNDS} rounds x ${all.length} targets x ${SECONDS} s (about ${Math.ceil(eta / 60)} min in all)`);
  for (let r = 1; r <= ROUNDS; r++) {
    for (const { w, t } of all) {
      const run = wrk(port, t.path, SECONDS, { worker, pipeline: w.pipeline });
      rounds[w.id][t.id].push(run.rps);
      cpuRounds[w.id][t.id].push(run.cpu);
    }
    process.stdout.write(`  round ${r}/${ROUNDS} done\n`);
  }
  const throughput = {};
  for (const w of WORKLOADS) {
    throughput[w.id] = {};
    for (const t of w.targets) {
      throughput[w.id][t.id] = { label: t.label, path: t.path, median: median(rounds[w.id][t.id]), rounds: rounds[w.id][t.id],
        worker_cpu_us: median(cpuRounds[w.id][t.id]), worker_cpu_us_rounds: cpuRounds[w.id][t.id] };
    }
    for (const t of w.targets) {
      throughput[w.id][t.id].ratio = Object.fromEntries(w.anchors.map((a) => [a, throughput[w.id][t.id].median / throughput[w.id][a].median]));
    }
  }
  results.throughput = throughput;
  const perRound = rounds.hello.wasm.map((w, i) => 1e6 / w - 1e6 / rounds.hello.nginx[i]);
  results.per_request_us = {
    value: median(perRound), rounds: perRound,
    what: "1/req_s(content_by_wasm hello) - 1/req_s(return 200) in µs, per round (both measured in the same round), median of the rounds: the whole extra cost of a request served by the hello guest (instance set-up, call, the host calls, the response it builds) over nginx's own return; an upper bound of the per-request guest set-up, not a measurement of it alone",
  };
  const cpuExtra = (target) => median(cpuRounds.hello16[target].map((c, i) => c - cpuRounds.hello16.nginx[i]));
  results.per_request_cpu_us = {
    wasm: cpuExtra("wasm"), lua: cpuExtra("lua"), njs: cpuExtra("njs"), return_200: throughput.hello16.nginx.worker_cpu_us,
    what: `the nginx worker's CPU time per request (utime + stime / requests) of each hello handler minus that of return 200, same round, median of the rounds, ${PIPELINE} pipelined: what the handler adds in the worker (for wasm: instance set-up, call, host calls, response), without the client's share of the machine`,
  };

  // ---- latency at a fixed rate (hello targets)
  results.latency = {};
  for (const t of WORKLOADS[0].targets) results.latency[t.id] = { label: t.label, path: t.path, ...(await fixedRate(port, t.path, RATE, LAT_SECONDS)) };

  // ---- hello's latency beside a ~200 ms guest call, with and without time slices
  const probeN = 20_000_000;
  const t0 = performance.now();
  await get(port, `/compute/plain?n=${probeN}`);
  const longN = Math.round((probeN * LONG_MS) / Math.max(1, performance.now() - t0));
  results.timeslice = { slice_fuel: SLICE, long_ms: LONG_MS, long_n: longN,
    what: `p50/p99 of /hello/wasm at ${RATE} req/s while one client requests a guest computing ~${LONG_MS} ms (n=${longN}) back to back, run to completion or with wasm_timeslice_fuel ${SLICE}` };
  for (const mode of ["plain", "sliced"]) {
    let stop = false, longs = 0;
    const hammer = (async () => { while (!stop) { const r = await get(port, `/compute/${mode}?n=${longN}`); if (r.status !== 200) die(`/compute/${mode}: ${r.status}`); longs++; } })();
    const lat = await fixedRate(port, "/hello/wasm", RATE, LAT_SECONDS);
    stop = true;
    await hammer;
    results.timeslice[mode] = { ...lat, long_requests: longs };
  }
  main.stop();
  await sleep(300);

  // ---- memory: worker RSS, plain nginx / + module / + module with 20 guests
  const distinct = Array.from({ length: DISTINCT }, (_, i) => join(GUESTS, `distinct-${String(i + 1).padStart(2, "0")}.wasm`));
  const rss = {};
  const variants = [
    ["plain", [], "", ""],
    ["module", [MODULE_SO], `    wasm_cache_path ${CACHE};`, ""],
    [`module_${DISTINCT}_guests`, [MODULE_SO], `    wasm_cache_path ${CACHE};`,
      distinct.map((g, i) => `        location = /g${i + 1} { content_by_wasm ${g} on_content; }`).join("\n")],
  ];
  console.log(`memory: worker RSS of plain nginx, + module, + module with ${DISTINCT} distinct guests (first run compiles them)`);
  for (const [id, modules, httpExtra, locs] of variants) {
    const p = join(OUT, `rss-${id}`);
    const pt = await freePort();
    writeConf(p, { port: pt, modules, httpExtra, server: `        location = /__up { return 204; }\n${locs}` });
    const n = await startNginx(p, pt);
    const paths = locs ? distinct.map((_, i) => `/g${i + 1}`) : ["/__up"];
    for (let k = 0; k < 50; k++) {
      for (const path of paths) {
        const r = await get(pt, path);
        if (r.status !== (locs ? 200 : 204)) die(`${path}: status ${r.status} (${p}/error.log)`);
      }
    }
    rss[id] = rssKiB(n.worker());
    n.stop();
    await sleep(200);
  }
  results.memory = {
    worker_rss_kib: rss,
    guests: DISTINCT,
    delta_kib: rss[`module_${DISTINCT}_guests`] - rss.plain,
    goal_kib: 10 * 1024,
    what: `worker VmRSS after 50 requests to every location; delta = nginx + module + ${DISTINCT} distinct guests - plain nginx`,
  };

  // ---- start-up: nginx -t with CACHED cached guests
  const pT = join(OUT, "nginx-t");
  writeConf(pT, { port: await freePort(), modules: [MODULE_SO], httpExtra: `    wasm_cache_path ${CACHE};`,
    server: distinct.slice(0, CACHED).map((g, i) => `        location = /g${i + 1} { content_by_wasm ${g} on_content; }`).join("\n") });
  const pT0 = join(OUT, "nginx-t-none");
  writeConf(pT0, { port: await freePort(), modules: [MODULE_SO], httpExtra: `    wasm_cache_path ${CACHE};`, server: "" });
  const timeT = (p) => {
    const xs = [];
    for (let k = 0; k < 7; k++) {
      const t0 = performance.now();
      const r = ngx(p, "-t");
      xs.push((performance.now() - t0) / 1000);
      if (r.status !== 0) { process.stderr.write(r.stderr); die(`nginx -t failed (${p})`); }
      if (/compiled "/.test(r.stderr) && k > 0) die(`nginx -t compiled a guest on run ${k + 1}: the cache is not used`);
    }
    return median(xs.slice(1));   // the first run may compile (cold cache)
  };
  results.startup = {
    nginx_t_s: timeT(pT), nginx_t_no_guests_s: timeT(pT0), guests: CACHED, goal_s: 0.2,
    what: `wall time of \`nginx -t\` with ${CACHED} distinct cached guests (median of 6 runs after one that fills the cache), and with the module and no guest`,
  };

  // ---- sizes and build time
  const hello = statSync(join(ROOT, "build/guests/hello.wasm")).size;
  const tmp = join(OUT, "build-warm");
  const buildOnce = () => {
    const t0 = performance.now();
    execFileSync("node", [join(ROOT, "bin/ngxwasm.js"), "build", join(ROOT, "guests/hello"), "--out-dir", tmp], { stdio: "ignore" });
    return (performance.now() - t0) / 1000;
  };
  buildOnce();
  results.size = { hello_wasm_bytes: hello, goal_bytes: 3 * 1024 };
  results.build = { warm_s: median([buildOnce(), buildOnce(), buildOnce()]), goal_s: 1.5,
    what: "`node bin/ngxwasm.js build guests/hello` (a new Node process: compile, optimise, validate), median of 3 after one warm-up run" };

  // ---- print
  const m = results.machine;
  console.log(`\n${m.cpu}, ${m.nproc} cores, ${m.os}, kernel ${m.kernel}; nginx ${m.nginx.replace(/^nginx\//, "")}, 1 worker; ` +
    `lua-nginx-module ${m.lua_module} (LuaJIT), njs ${m.njs_module}; ${results.date.slice(0, 10)}`);
  console.log(`wrk -t1 -c32 -d${SECONDS}s, ${ROUNDS} interleaved rounds, median req/s; ratio = req/s of the row / req/s of the anchor; ` +
    `µs/req = the nginx worker's CPU time (user + system) per request, median\n`);
  const rows = [];
  for (const w of WORKLOADS) {
    for (const t of w.targets) {
      const x = throughput[w.id][t.id];
      const ratio = (a) => (x.ratio[a] === undefined ? "" : x.ratio[a].toFixed(2));
      rows.push([w.title, t.label, fmt(x.median), ratio("nginx"), ratio("lua"), ratio("njs"), x.worker_cpu_us.toFixed(2), x.rounds.map((v) => fmt(v)).join(" ")]);
    }
  }
  const tput = table(rows, ["workload", "target", "req/s", "/nginx", "/Lua", "/njs", "µs/req", "rounds"]);
  console.log(tput);
  const lrows = Object.values(results.latency).map((l) => ["hello", l.label, l.p50_ms.toFixed(2), l.p99_ms.toFixed(2), l.max_ms.toFixed(2),
    l.errors ? `${l.errors} (${l.first_error})` : "0"]);
  const lat = table(lrows, ["latency", `at ${fmt(RATE)} req/s for ${LAT_SECONDS} s`, "p50 ms", "p99 ms", "max ms", "failed"]);
  console.log(`\n${lat}`);
  const ok = (v, goal) => (v <= goal ? "ok" : "over");
  const ts = results.timeslice;
  const trows = ["plain", "sliced"].map((mode) => [mode === "plain" ? "run to completion" : `wasm_timeslice_fuel ${fmt(SLICE)}`,
    ts[mode].p50_ms.toFixed(2), ts[mode].p99_ms.toFixed(2), ts[mode].max_ms.toFixed(2), String(ts[mode].long_requests), ts[mode].errors ? String(ts[mode].errors) : "0"]);
  const slices = table(trows, [`hello at ${fmt(RATE)} req/s beside a ${LONG_MS} ms guest`, "p50 ms", "p99 ms", "max ms", "long done", "failed"]);
  console.log(`\n${slices}`);
  const overhead = (w) => 1 - throughput[w].wasm_fuel.median / throughput[w].wasm.median;
  results.fuel_overhead = { upper: overhead("upper"), json: overhead("json"), goal: 0.1,
    what: "1 - req/s with wasm_fuel_limit / req/s without, same guest, medians of the interleaved rounds" };
  const mrows = [
    ["per-request", "hello guest - return 200 (1/req_s, median of rounds)", `${results.per_request_us.value.toFixed(2)} µs`, "≤ 1 µs (set-up alone)", ""],
    ["per-request", `worker CPU per request over return 200 (${PIPELINE} pipelined): wasm / Lua / njs`,
      ["wasm", "lua", "njs"].map((k) => results.per_request_cpu_us[k].toFixed(2)).join(" / ") + " µs", "≤ 1 µs (set-up alone)",
      ok(results.per_request_cpu_us.wasm, 1)],
    ["memory", `worker RSS: plain nginx / + module / + ${DISTINCT} guests`, `${fmt(rss.plain)} / ${fmt(rss.module)} / ${fmt(rss[`module_${DISTINCT}_guests`])} KiB`, "", ""],
    ["memory", `+${DISTINCT} guests vs plain nginx`, `+${fmt(results.memory.delta_kib / 1024, 1)} MiB`, "≤ +10 MiB", ok(results.memory.delta_kib, results.memory.goal_kib)],
    ["start-up", `nginx -t, ${CACHED} cached guests (no guest)`, `${results.startup.nginx_t_s.toFixed(3)} s (${results.startup.nginx_t_no_guests_s.toFixed(3)} s)`, "≤ 0.2 s", ok(results.startup.nginx_t_s, 0.2)],
    ["fuel", "cost of wasm_fuel_limit: upper / json", `${(results.fuel_overhead.upper * 100).toFixed(1)} % / ${(results.fuel_overhead.json * 100).toFixed(1)} %`, "≤ 10 %",
      ok(Math.max(results.fuel_overhead.upper, results.fuel_overhead.json), 0.1)],
    ["size", "build/guests/hello.wasm", `${fmt(hello)} B`, "≤ 3 KiB", ok(hello, 3072)],
    ["build", "warm `ngxwasm build guests/hello`", `${results.build.warm_s.toFixed(2)} s`, "≤ 1.5 s", ok(results.build.warm_s, 1.5)],
  ];
  const mem = table(mrows, ["figure", "what", "value", "goal", ""]);
  console.log(`\n${mem}`);
  results.text = { throughput: tput, latency: lat, timeslice: slices, other: mem };

  writeFileSync(join(OUT, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(join(OUT, "chart.svg"), chartSvg(throughput, `make bench, ${results.date.slice(0, 10)}: ${m.nproc} × ${m.cpu}`));
  console.log(`\nwrote build/bench/results.json and build/bench/chart.svg`);
}

main().catch((e) => die(e.stack || String(e)));
