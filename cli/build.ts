// Compiles AssemblyScript guests to WebAssembly through the compiler's JS API:
// one Node process for any number of guests, the project's own asconfig.json
// (never the one in the working directory), and the SDK runtime hooks wired in
// so that a guest imports nothing but the ngx_wasm ABI.
//
// The AssemblyScript runtime is chosen per guest ("auto"): every guest is first
// built with the stub runtime, a bump allocator that never frees — the cheapest
// start, right for a handler that runs once (or a few times) on a fresh
// instance per request and phase. A guest whose built code can call a function
// only a body filter may call (ngx_wasm_resp_get_body_chunk, _eof,
// set_body_chunk) is rebuilt with the incremental runtime (TLSF allocator and a
// garbage collector), because its export runs once per response chunk on the
// same instance: under the stub its memory would grow with the response until
// it hits the 16 MiB cap. The measurements behind the choice are in
// sdk/README.md ("Memory").
import asc from "assemblyscript/asc";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { projectRoot } from "../host-abi/generate.js";
import { HOST_FUNCTIONS } from "../host-abi/tables.js";
import { readModuleShape } from "../host/wasm-module.js";
import { explainDiagnostics } from "./diagnostics.js";
import { HOOKS_ENTRY, RUNTIME_HOOKS, sdkResolution } from "./sdk-resolution.js";

/** The AssemblyScript runtimes a guest can be built with. */
export type GuestRuntime = "stub" | "incremental";
export const GUEST_RUNTIMES: readonly GuestRuntime[] = ["stub", "incremental"];

/** ABI functions only a body filter may call: a guest that can call one is built with the incremental runtime. */
export const BODY_FILTER_FUNCTIONS: readonly string[] = HOST_FUNCTIONS.filter(
  (f) => f.phases.length === 1 && f.phases[0] === "body_filter",
).map((f) => f.name);

export interface BuildOptions {
  /** Where `<name>.wasm` files go (default `build/` under the working directory). */
  outDir?: string;
  /** Also write the text format next to the binary. */
  wat?: boolean;
  /** Optimise for size (default) or compile for debugging (no optimisation, debug info). */
  debug?: boolean;
  /** The AssemblyScript runtime; "auto" (the default) picks one per guest (see the top of this file). */
  runtime?: GuestRuntime | "auto";
  /** Called with the absolute path of every source file the compiler reads (`ngxwasm dev` watches them). */
  onSourceRead?: (path: string) => void;
}

export interface BuildResult {
  entry: string;
  /** Guest name: the directory name for `dir/index.ts` or `dir`, else the file name. */
  name: string;
  wasmPath: string;
  ok: boolean;
  /** Compiler diagnostics (errors), readable as printed by asc. */
  errors: string[];
  /** Size of the module in bytes, when built. */
  size?: number;
  /** The runtime the guest was built with, when built. */
  runtime?: GuestRuntime;
  /** Why that runtime: "imports ngx_wasm_resp_get_body_chunk, …", "no body-filter import" or "asked for". */
  runtimeReason?: string;
}

/** `guests/hello`, `guests/hello/index.ts` → file and name. */
export function resolveEntry(entry: string): { file: string; name: string } {
  const abs = resolve(entry);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    return { file: join(abs, "index.ts"), name: basename(abs) };
  }
  const name = basename(abs, extname(abs));
  return { file: abs, name: name === "index" ? basename(dirname(abs)) : name };
}

function commonAncestor(paths: string[]): string {
  const split = paths.map((p) => p.split(sep));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((parts) => parts[n] === first[n])) n++;
  return first.slice(0, n).join(sep) || sep;
}

/** What one compilation produced: the compiler's errors, or the files it would write (path → contents). */
interface Compiled {
  errors: string[];
  files: Map<string, Uint8Array | string>;
}

async function compileOne(file: string, wasmPath: string, runtime: GuestRuntime, options: BuildOptions): Promise<Compiled> {
  const root = projectRoot();
  const baseDir = commonAncestor([dirname(file), join(root, "sdk")]);
  // "ngxwasm" resolves from node_modules, then to this package (sdk-resolution.ts)
  const sdk = sdkResolution(file, baseDir, root, options.onSourceRead);
  const hooks = RUNTIME_HOOKS;
  const args = [
    relative(baseDir, file),
    HOOKS_ENTRY,
    ...sdk.pathArgs,
    "--baseDir", baseDir,
    "--config", join(root, "asconfig.json"),
    "--outFile", wasmPath,
    // Command-line options take precedence over asconfig.json's.
    "--runtime", runtime,
    // asc colours its diagnostics whenever $CI is set; ours are parsed and re-printed.
    "--noColors",
    "--use", `abort=${hooks}/ngxAbort`,
    "--use", `trace=${hooks}/ngxTrace`,
    "--use", `seed=${hooks}/ngxSeed`,
  ];
  if (options.wat) args.push("--textFile", wasmPath.replace(/\.wasm$/, ".wat"));
  if (options.debug) args.push("--debug", "-O0");
  // -Oz's merge-similar-functions pass folds the incremental runtime's larger
  // handler exports into one function called with the handler as a parameter,
  // an indirect call the validator cannot follow (every handler would then
  // reach every host function). Shrink level 1 leaves it out: 1% larger.
  else if (runtime === "incremental") args.push("--shrinkLevel", "1");
  let stderr = "";
  const sink = (append: (s: string) => void) => ({
    write(chunk: string | Uint8Array): boolean {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    },
  });
  // Outputs are kept in memory: the caller writes them once the runtime is settled.
  const files = new Map<string, Uint8Array | string>();
  const { error } = await asc.main(args, {
    stdout: sink(() => undefined),
    stderr: sink((s) => (stderr += s)),
    writeFile: (name: string, contents: Uint8Array | string, dir: string) => void files.set(resolve(dir, name), contents),
    readFile: sdk.readFile,
  });
  if (!error) return { errors: [], files };
  const diagnostics = stderr
    .split(/\n(?=(?:ERROR|WARNING) )/)
    .map((d) => d.replace(/\n+FAILURE .*$/s, "").trim())
    .filter((d) => d.startsWith("ERROR"));
  return { errors: diagnostics.length ? explainDiagnostics(diagnostics) : [stderr.trim() || error.message], files };
}

/** The body-filter functions a built module imports. */
function bodyFilterImports(wasm: Uint8Array): string[] {
  return readModuleShape(wasm).imports.map((i) => i.name).filter((name) => BODY_FILTER_FUNCTIONS.includes(name));
}

/**
 * Compile with the runtime asked for, or pick it: stub, unless the optimised
 * stub build can call a body-filter function. (Only an optimised build tells:
 * unoptimised code still holds every branch of the SDK's getter switch.)
 */
async function compileWithRuntime(file: string, wasmPath: string, options: BuildOptions): Promise<Compiled & { runtime: GuestRuntime; reason: string }> {
  const asked = options.runtime ?? "auto";
  if (asked !== "auto") return { ...(await compileOne(file, wasmPath, asked, options)), runtime: asked, reason: "asked for" };
  const probe = await compileOne(file, wasmPath, "stub", { ...options, debug: false });
  const wasm = probe.files.get(resolve(wasmPath));
  if (probe.errors.length || !(wasm instanceof Uint8Array)) return { ...probe, runtime: "stub", reason: "" };
  const filters = bodyFilterImports(wasm);
  if (filters.length === 0) {
    const stub = options.debug ? await compileOne(file, wasmPath, "stub", options) : probe;
    return { ...stub, runtime: "stub", reason: "no body-filter import" };
  }
  const incremental = await compileOne(file, wasmPath, "incremental", options);
  return { ...incremental, runtime: "incremental", reason: `imports ${filters.join(", ")}` };
}

/** Build each entry in turn in this process. Never throws for compile errors. */
export async function buildGuests(entries: string[], options: BuildOptions = {}): Promise<BuildResult[]> {
  const outDir = resolve(options.outDir ?? "build");
  mkdirSync(outDir, { recursive: true });
  const results: BuildResult[] = [];
  for (const entry of entries) {
    const { file, name } = resolveEntry(entry);
    const wasmPath = join(outDir, `${name}.wasm`);
    if (!existsSync(file)) {
      results.push({ entry, name, wasmPath, ok: false, errors: [`${entry}: no such guest: ${file} does not exist (pass a guest directory holding index.ts, or a .ts file)`] });
      continue;
    }
    const { errors, files, runtime, reason } = await compileWithRuntime(file, wasmPath, options);
    const ok = errors.length === 0;
    if (!ok) {
      results.push({ entry, name, wasmPath, ok, errors });
      continue;
    }
    for (const [path, contents] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, contents);
    }
    const size = files.get(resolve(wasmPath))?.length;
    results.push({ entry, name, wasmPath, ok, errors, size, runtime, runtimeReason: reason });
  }
  return results;
}
