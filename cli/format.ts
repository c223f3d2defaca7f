// Small output helpers shared by the commands.
import { Option } from "commander";
import { isAbsolute, relative } from "node:path";

/** `812 B`, `2.6 KB`, `1.3 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A path as the user would type it from the working directory. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path.replace(/\/+$/, "") || ".";
  const rel = relative(process.cwd(), path);
  if (rel === "") return ".";
  return rel.startsWith("..") ? path : rel;
}

/** Results go to stdout, errors and problems to stderr. */
export const out = (line = ""): void => void process.stdout.write(line + "\n");
export const err = (line: string): void => void process.stderr.write(line + "\n");

/** Thrown by a command for a usage error (exit code 2); the message is printed as is. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A repeatable option (`--export a --export b` → ["a", "b"]), empty by default. */
export function repeatable(flags: string, description: string): Option {
  return new Option(flags, `${description} (repeatable)`)
    .argParser((value: string, previous: string[]) => [...previous, value])
    .default([], "none");
}
