// Guests for tests: built from their AssemblyScript sources through the same
// code path as `ngxwasm build` (cli/build.ts: the project's compiler settings,
// the SDK's runtime hooks, "ngxwasm" resolved from node_modules), once per
// test process, then loaded into an in-process Host.
import { extname, join, resolve } from "node:path";
import { buildGuests, type GuestRuntime } from "../cli/build.js";
import { Host } from "../host/host.js";
import type { Guest } from "../host/load.js";
import type { HostOptions, RunOptions, RunResult } from "../host/types.js";

export interface BuildGuestOptions {
  /** Where `<name>.wasm` goes (default `build/test-guests` under the working directory). */
  outDir?: string;
  /** The AssemblyScript runtime (default "auto", as `ngxwasm build`). */
  runtime?: GuestRuntime | "auto";
  /** No optimisation, with debug information. */
  debug?: boolean;
}

/** A guest that did not compile: `errors` are the compiler's messages, each naming file, line and column. */
export class GuestBuildError extends Error {
  constructor(
    readonly entry: string,
    readonly errors: string[],
  ) {
    super(`building ${entry} failed:\n${errors.join("\n")}`);
    this.name = "GuestBuildError";
  }
}

const builds = new Map<string, Promise<string>>();

/**
 * Build one guest — a directory holding index.ts, or a .ts file — and resolve
 * to its .wasm path. Builds are cached per process (same entry and options:
 * one build). Rejects with GuestBuildError on a compile error.
 */
export function buildGuest(entry: string, options: BuildGuestOptions = {}): Promise<string> {
  const abs = resolve(entry);
  const outDir = resolve(options.outDir ?? join("build", "test-guests"));
  const key = JSON.stringify([abs, outDir, options.runtime ?? "auto", options.debug ?? false]);
  let built = builds.get(key);
  if (!built) {
    built = buildGuests([abs], { outDir, runtime: options.runtime, debug: options.debug }).then(([result]) => {
      if (!result || !result.ok) throw new GuestBuildError(entry, result?.errors ?? ["no build result"]);
      return result.wasmPath;
    });
    builds.set(key, built);
  }
  return built;
}

export interface LoadGuestOptions extends BuildGuestOptions {
  /** The host to load into: a Host, or the options of a new one (default: a new Host()). */
  host?: Host | HostOptions;
  /** The guest's name in error lines (default: the file name). */
  name?: string;
}

/** A built guest loaded in an in-process host: `run` one phase at a time, read `host.shm`, `host.metrics`, `host.clock`. */
export interface TestGuest {
  host: Host;
  guest: Guest;
  wasmPath: string;
  /** Run one phase handler for one request on a fresh instance (Host.run). */
  run(options: RunOptions): Promise<RunResult>;
}

/**
 * Build (unless `entry` is a .wasm file) and load a guest into an in-process
 * host. Rejects with GuestBuildError (compile error) or GuestLoadError (the
 * module breaks an ABI rule, as `ngxwasm validate --host ts` would say).
 */
export async function loadGuest(entry: string, options: LoadGuestOptions = {}): Promise<TestGuest> {
  const wasmPath = extname(entry) === ".wasm" ? resolve(entry) : await buildGuest(entry, options);
  const host = options.host instanceof Host ? options.host : new Host(options.host);
  const guest = await host.load(wasmPath, options.name);
  return { host, guest, wasmPath, run: (runOptions) => host.run(guest, runOptions) };
}
