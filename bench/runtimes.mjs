// Guest runtimes compared: what each AssemblyScript runtime costs a content
// guest (size, start-up) and what it does to a body filter over a large
// response (speed, memory). The numbers behind the choice in sdk/README.md
// ("Memory"). Run after `make ts`:
//
//   node bench/runtimes.mjs [--rounds N] [--mib M]
//
// Variants, each built like `ngxwasm build` does (asconfig.json, SDK hooks)
// plus --runtime and --maximumMemory 256 (the 16 MiB cap nginx applies):
//   stub         bump allocator, never frees (content guests)
//   incremental  TLSF + incremental GC with a shadow stack (what build gives filters;
//                the SDK collects before each chunk is fetched)
//   minimal      TLSF + GC only on __collect(): the filter calls __collect() at the
//                end of its export, where no local holds an object (needs an SDK
//                wrapper around every filter export)
//   stub+reset   the bump pointer reset at the start of each chunk: nothing
//                allocated in a chunk survives it, so uppercase keeps its carry in
//                static memory instead of an ArrayBuffer global
// Filters run in Node's WebAssembly with a minimal ABI (chunks copied in and
// out like the hosts do), over M MiB in 64 KiB chunks.
import asc from "assemblyscript/asc";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, "build", "bench-runtimes");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg("--rounds", 5);
const MIB = arg("--mib", 200);
const CHUNK = 65536;

// ---------------------------------------------------------------- guests

const sdk = '"../../../../sdk"';
const uppercase = readFileSync(join(root, "guests/uppercase/index.ts"), "utf8").replace('"ngxwasm"', sdk);
const sources = {
  hello: readFileSync(join(root, "guests/hello/index.ts"), "utf8").replace('"ngxwasm"', sdk),
  read: `import { BodyChunk } from ${sdk};\nexport function on_body(): i32 { BodyChunk.read(); return 0; }\n`,
  "read-collect": `import { BodyChunk } from ${sdk};\nexport function on_body(): i32 { BodyChunk.read(); __collect(); return 0; }\n`,
  "read-reset": `import { BodyChunk } from ${sdk};\nexport function on_body(): i32 { __reset(); BodyChunk.read(); return 0; }\n`,
  uppercase,
  "uppercase-collect": uppercase.replace("BodyChunk.replace(text.toUpperCase());", "BodyChunk.replace(text.toUpperCase());\n  __collect();"),
  "uppercase-reset": `import { BodyChunk, Response } from ${sdk};
const carryBuf: usize = memory.data(4);
let carryLen: i32 = 0;
function isText(): bool {
  const type = Response.header("Content-Type");
  return type !== null && (type.startsWith("text/") || type.startsWith("application/json"));
}
function completePrefix(bytes: usize, len: i32): i32 {
  for (let back = 1; back <= 4 && back <= len; back++) {
    const b = load<u8>(bytes + len - back);
    if ((b & 0xc0) == 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? len - back : len;
  }
  return len;
}
export function on_body(): i32 {
  __reset();
  if (!isText()) return 0;
  const chunk = BodyChunk.read();
  const total = carryLen + chunk.byteLength;
  const input = new ArrayBuffer(total);
  memory.copy(changetype<usize>(input), carryBuf, carryLen);
  memory.copy(changetype<usize>(input) + carryLen, changetype<usize>(chunk), chunk.byteLength);
  const usable = BodyChunk.isLast() ? total : completePrefix(changetype<usize>(input), total);
  carryLen = total - usable;
  memory.copy(carryBuf, changetype<usize>(input) + usable, carryLen);
  BodyChunk.replace(String.UTF8.decodeUnsafe(changetype<usize>(input), usable).toUpperCase());
  return 0;
}
`,
};

async function build(name, runtime, extra = []) {
  const dir = join(work, "src", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.ts"), sources[name]);
  const out = join(work, `${name}.${runtime}${extra.length ? ".start" : ""}.wasm`);
  const args = [
    join(dir, "index.ts"), join(root, "sdk/runtime.ts"), "--baseDir", root, "--config", join(root, "asconfig.json"),
    "--outFile", out, "--noColors", "--runtime", runtime, "--maximumMemory", "256",
    "--use", "abort=sdk/runtime/ngxAbort", "--use", "trace=sdk/runtime/ngxTrace", "--use", "seed=sdk/runtime/ngxSeed",
    ...(runtime === "incremental" ? ["--shrinkLevel", "1"] : []), ...extra,
  ].map((a) => (a.startsWith(root + "/") ? a.slice(root.length + 1) : a));
  let stderr = "";
  const { error } = await asc.main(args, { stdout: { write: () => true }, stderr: { write: (s) => ((stderr += s), true) } });
  if (error) throw new Error(`${name} (${runtime}): ${stderr}`);
  return out;
}

// ---------------------------------------------------------------- ABI stand-in

function instantiate(bytes, state) {
  let mem;
  const text = Buffer.from("text/plain; charset=utf-8");
  const env = {
    ngx_wasm_resp_get_header: (_n, _l, p, len) => (text.length <= len && new Uint8Array(mem.buffer, p, text.length).set(text), text.length),
    ngx_wasm_resp_set_header: () => 0,
    ngx_wasm_resp_get_body_chunk: (p, len) => (state.chunk.length <= len && new Uint8Array(mem.buffer, p, state.chunk.length).set(state.chunk), state.chunk.length),
    ngx_wasm_resp_get_body_chunk_eof: () => state.last,
    ngx_wasm_resp_set_body_chunk: (p, len) => ((state.out = new Uint8Array(mem.buffer, p, len).slice()), 0),
    ngx_wasm_resp_write: () => 0,
    ngx_wasm_log: (_l, p, len) => (console.error("guest:", Buffer.from(mem.buffer, p, len).toString()), 0),
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
  mem = instance.exports.memory;
  return { exports: instance.exports, memory: mem };
}

/** One response of MIB MiB through a filter: time, peak memory, whether the output is right. */
function filter(bytes, verify) {
  const P = Buffer.from("héllo wörld — ünïcødé ✓ straße 😀 end\n");
  const UP = Buffer.from(P.toString().toUpperCase());
  const source = Buffer.alloc(CHUNK + P.length * 2);
  for (let i = 0; i < source.length; i += P.length) P.copy(source, i);
  const expected = Buffer.alloc(CHUNK * 3 + UP.length * 2);
  for (let i = 0; i < expected.length; i += UP.length) UP.copy(expected, i);
  const n = Math.floor((MIB * 1024 * 1024) / CHUNK);
  const state = { chunk: new Uint8Array(), last: 0, out: null };
  const { exports, memory } = instantiate(bytes, state);
  let outPos = 0, peak = 0, ok = true;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const off = (i * CHUNK) % P.length;
    state.chunk = source.subarray(off, off + CHUNK);
    state.last = i === n - 1 ? 1 : 0;
    state.out = null;
    try {
      exports.on_body();
    } catch (e) {
      return { ok: false, error: `chunk ${i + 1}: ${e.message}`, peak: memory.buffer.byteLength };
    }
    if (verify && state.out) {
      const at = outPos % UP.length;
      if (!Buffer.from(state.out).equals(expected.subarray(at, at + state.out.length))) ok = false;
      outPos += state.out.length;
    }
    peak = Math.max(peak, memory.buffer.byteLength);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ok, ms, peak };
}

/** Median µs per fresh instance + one on_content call (what nginx does per request). */
function hello(bytes, iterations) {
  const module = new WebAssembly.Module(bytes);
  const env = { ngx_wasm_resp_write: () => 0, ngx_wasm_log: () => 0 };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) new WebAssembly.Instance(module, { env }).exports.on_content();
  return Number(process.hrtime.bigint() - t0) / 1e3 / iterations;
}

/** Median ns of the guest's own work per request: the start function (runtime set-up) and on_content, instantiation excluded. */
function helloWork(bytes, iterations) {
  const module = new WebAssembly.Module(bytes);
  const env = { ngx_wasm_resp_write: () => 0, ngx_wasm_log: () => 0 };
  const instances = Array.from({ length: iterations }, () => new WebAssembly.Instance(module, { env }).exports);
  const t0 = process.hrtime.bigint();
  for (const e of instances) e._start(), e.on_content();
  return Number(process.hrtime.bigint() - t0) / iterations;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// ---------------------------------------------------------------- run

const runtimes = ["stub", "minimal", "incremental"];
const helloBuilds = {}, helloStart = {};
for (const rt of runtimes) {
  helloBuilds[rt] = readFileSync(await build("hello", rt));
  helloStart[rt] = readFileSync(await build("hello", rt, ["--exportStart", "_start"]));
}
const filters = {
  "stub": { read: await build("read", "stub"), uppercase: await build("uppercase", "stub") },
  "stub+reset": { read: await build("read-reset", "stub"), uppercase: await build("uppercase-reset", "stub") },
  "minimal": { read: await build("read-collect", "minimal"), uppercase: await build("uppercase-collect", "minimal") },
  "incremental": { read: await build("read", "incremental"), uppercase: await build("uppercase", "incremental") },
};

console.log(`## .wasm size (bytes)\n\n| guest | ${Object.keys(filters).join(" | ")} |\n|---|---|---|---|---|`);
const size = (f) => readFileSync(f).length;
console.log(`| hello | ${helloBuilds.stub.length} | – | ${helloBuilds.minimal.length} | ${helloBuilds.incremental.length} |`);
for (const g of ["read", "uppercase"]) console.log(`| ${g} filter | ${Object.values(filters).map((v) => size(v[g])).join(" | ")} |`);

const inst = Object.fromEntries(runtimes.map((rt) => [rt, []]));
const work1 = Object.fromEntries(runtimes.map((rt) => [rt, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const rt of runtimes) inst[rt].push(hello(helloBuilds[rt], 5000));
  for (const rt of runtimes) work1[rt].push(helloWork(helloStart[rt], 500));
}
console.log(`\n## hello, median of ${ROUNDS} interleaved rounds\n\n| runtime | instantiate + on_content (µs) | start function + on_content, no instantiation (ns) |\n|---|---|---|`);
for (const rt of runtimes) console.log(`| ${rt} | ${median(inst[rt]).toFixed(1)} | ${median(work1[rt]).toFixed(0)} |`);

console.log(`\n## ${MIB} MiB in 64 KiB chunks through one instance (cap 256 pages), median of ${ROUNDS} rounds\n\n| runtime | read-only: MiB/s | read-only: peak memory | uppercase: MiB/s | uppercase: peak memory | uppercase output |\n|---|---|---|---|---|---|`);
const results = Object.fromEntries(Object.keys(filters).map((k) => [k, { read: [], uppercase: [] }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [k, v] of Object.entries(filters)) {
    results[k].read.push(filter(readFileSync(v.read), false));
    results[k].uppercase.push(filter(readFileSync(v.uppercase), true));
  }
}
const cell = (runs) => {
  const failed = runs.find((x) => !x.ms);
  if (failed) return [`fails: ${failed.error}`, `${failed.peak / 65536} pages`];
  return [`${(MIB / (median(runs.map((x) => x.ms)) / 1000)).toFixed(0)}`, `${Math.max(...runs.map((x) => x.peak)) / 65536} pages`];
};
for (const [k, v] of Object.entries(results)) {
  const correct = v.uppercase.every((x) => x.ok) ? "correct" : v.uppercase.some((x) => x.ms) ? "WRONG" : "–";
  console.log(`| ${k} | ${cell(v.read).join(" | ")} | ${cell(v.uppercase).join(" | ")} | ${correct} |`);
}
