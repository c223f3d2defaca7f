// Helpers for the CLI suites: run the real `node bin/ngxwasm.js` (built into
// dist/ by tsc, rebuilt here when missing or stale), and assemble
// the hand-written .wat fixtures in test/fixtures/.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wabtInit from "wabt";
import { projectRoot } from "../../host-abi/generate.js";

export const ROOT = projectRoot();
export const FIXTURES = join(ROOT, "test", "fixtures");
const BIN = join(ROOT, "bin", "ngxwasm.js");
const DIST_MAIN = join(ROOT, "dist", "cli", "index.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `ngxwasm <args>`; never rejects on a non-zero exit. */
export function runCli(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Compile with tsc when dist/ is missing or older than the sources the CLI uses (one suite at a time). */
export async function ensureCliBuilt(): Promise<void> {
  const newest = () => Math.max(...["cli", "host", "host-abi"].map((d) => newestSource(join(ROOT, d))));
  const stale = () => !existsSync(DIST_MAIN) || statSync(DIST_MAIN).mtimeMs < newest();
  if (!stale()) return;
  mkdirSync(join(ROOT, "build"), { recursive: true });
  const lock = join(ROOT, "build", ".cli-tsc-lock");
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200)); // another suite is compiling
    }
  }
  try {
    if (stale()) execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.json")]);
  } finally {
    rmdirSync(lock);
  }
}

export type Feature = "simd" | "threads" | "tail_call" | "memory64";

const wabtReady = wabtInit();

/** Assemble test/fixtures/<name>.wat (with the wasm features it needs) into a temp file; returns its path. */
export async function fixtureWasm(name: string, features: Feature[] = []): Promise<string> {
  const wabt = await wabtReady;
  const flags = Object.fromEntries(features.map((f) => [f, true]));
  const module = wabt.parseWat(`${name}.wat`, readFileSync(join(FIXTURES, `${name}.wat`), "utf8"), flags);
  try {
    const path = join(tempDir(), `${name}.wasm`);
    writeFileSync(path, module.toBinary({}).buffer);
    return path;
  } finally {
    module.destroy();
  }
}

let temp: string | undefined;
/** One temp directory per test file. */
export function tempDir(): string {
  return (temp ??= mkdtempSync(join(tmpdir(), "ngxwasm-cli-")));
}
