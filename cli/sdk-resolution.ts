// How a guest finds the SDK: `import { Response } from "ngxwasm"`.
//
// asc 0.28 turns a bare import ("ngxwasm", "ngxwasm/sdk/raw") into
// `~lib/ngxwasm/…` and looks for `<dir>/ngxwasm/index.ts` (or the sub-path's
// .ts / index.ts) in the node_modules directories above its --baseDir, then in
// each --path directory. It does not read package.json (its --help mentions
// `ascMain`, but 0.28 ignores it): the package therefore has an index.ts at
// its root. Two things are added here so that resolution is what asc and Node
// users expect:
//  - the node_modules directories from the guest's own directory upward, as
//    Node would search them (asc alone starts at --baseDir, an ancestor);
//  - last, the SDK of the ngxwasm that runs the build: a guest inside this
//    repository, or one built by a global ngxwasm without a local install,
//    still resolves "ngxwasm". asc reads through our readFile, which maps a
//    virtual `<FALLBACK>/ngxwasm/…` directory onto the package root.
// The runtime hooks (sdk/runtime.ts: abort, trace, seed) are reached through
// the same bare import, from a virtual entry file, so that a guest and its
// hooks share one copy of the SDK's files (one internal name per file).
import { readFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";

/** The package name guests import the SDK by. */
export const SDK_PACKAGE = "ngxwasm";

/** The compiler's internal name of sdk/runtime.ts reached by package name (for `--use abort=<this>/ngxAbort`). */
export const RUNTIME_HOOKS = `~lib/${SDK_PACKAGE}/sdk/runtime`;

/** The virtual entry that makes asc parse the runtime hooks (placed in --baseDir). */
export const HOOKS_ENTRY = "__ngxwasm_runtime_hooks__.ts";

/** Every `node_modules` directory from `dir` up to the file-system root, nearest first (Node's order). */
export function nodeModulesDirs(dir: string): string[] {
  const dirs: string[] = [];
  let at = resolve(dir);
  for (;;) {
    if (!at.endsWith(`${sep}node_modules`)) dirs.push(join(at, "node_modules"));
    const up = dirname(at);
    if (up === at) return dirs;
    at = up;
  }
}

export interface SdkResolution {
  /** asc arguments: the extra --path directories, nearest first, the fallback last. */
  pathArgs: string[];
  /** asc's readFile: files on disk, the virtual hooks entry, and the fallback mapped onto `packageRoot`. */
  readFile: (name: string, baseDir: string) => Promise<string | null>;
}

/**
 * Resolution for one guest file: `packageRoot` is the root of the ngxwasm
 * package that runs the build (holding index.ts and sdk/).
 */
export function sdkResolution(
  guestFile: string,
  baseDir: string,
  packageRoot: string,
  /** told of every file read from disk (ngxwasm dev watches them) */
  onRead?: (path: string) => void,
): SdkResolution {
  // A directory that does not exist: nothing real can be found there by accident.
  const fallback = join(packageRoot, ".ngxwasm-fallback");
  const fallbackPackage = join(fallback, SDK_PACKAGE) + sep;
  const hooksEntry = resolve(baseDir, HOOKS_ENTRY);
  const pathArgs = [...nodeModulesDirs(dirname(guestFile)), fallback].flatMap((d) => ["--path", d]);
  return {
    pathArgs,
    readFile: async (name, dir) => {
      let path = resolve(dir, name);
      if (path === hooksEntry) return `import "${SDK_PACKAGE}/sdk/runtime";\n`;
      if (path.startsWith(fallbackPackage)) path = join(packageRoot, path.slice(fallbackPackage.length));
      try {
        const text = await readFile(path, "utf8");
        onRead?.(path);
        return text;
      } catch {
        return null; // as asc expects of a file that does not exist
      }
    },
  };
}
