// Compiles AssemblyScript guests to WebAssembly through the compiler's JS API:
// one Node process for any number of guests, the project's own asconfig.json
// (never the one in the working directory), and the SDK runtime hooks wired in
// so that a guest imports nothing but the ngx_wasm ABI.
import asc from "assemblyscript/asc";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { projectRoot } from "../host-abi/generate.js";

export interface BuildOptions {
  /** Where `<name>.wasm` files go (default `build/` under the working directory). */
  outDir?: string;
  /** Also write the text format next to the binary. */
  wat?: boolean;
  /** Optimise for size (default) or compile for debugging (no optimisation, debug info). */
  debug?: boolean;
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

/** The compiler's internal name of a source file: its path from baseDir without extension. */
function internalName(baseDir: string, file: string): string {
  return relative(baseDir, file).split(sep).join("/").replace(/\.ts$/, "");
}

async function compileOne(file: string, wasmPath: string, options: BuildOptions): Promise<string[]> {
  const root = projectRoot();
  const runtime = join(root, "sdk", "runtime.ts");
  const baseDir = commonAncestor([dirname(file), dirname(runtime)]);
  const hooks = internalName(baseDir, runtime);
  const args = [
    relative(baseDir, file),
    relative(baseDir, runtime),
    "--baseDir", baseDir,
    "--config", join(root, "asconfig.json"),
    "--outFile", wasmPath,
    // asc colours its diagnostics whenever $CI is set; ours are parsed and re-printed.
    "--noColors",
    "--use", `abort=${hooks}/ngxAbort`,
    "--use", `trace=${hooks}/ngxTrace`,
    "--use", `seed=${hooks}/ngxSeed`,
  ];
  if (options.wat) args.push("--textFile", wasmPath.replace(/\.wasm$/, ".wat"));
  if (options.debug) args.push("--debug", "-O0");
  let stderr = "";
  const sink = (append: (s: string) => void) => ({
    write(chunk: string | Uint8Array): boolean {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    },
  });
  const { error } = await asc.main(args, {
    stdout: sink(() => undefined),
    stderr: sink((s) => (stderr += s)),
  });
  if (!error) return [];
  const diagnostics = stderr
    .split(/\n(?=(?:ERROR|WARNING) )/)
    .map((d) => d.replace(/\n+FAILURE .*$/s, "").trim())
    .filter((d) => d.startsWith("ERROR"));
  return diagnostics.length ? diagnostics : [stderr.trim() || error.message];
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
    const errors = await compileOne(file, wasmPath, options);
    const ok = errors.length === 0;
    results.push({ entry, name, wasmPath, ok, errors, size: ok ? readFileSync(wasmPath).byteLength : undefined });
  }
  return results;
}
