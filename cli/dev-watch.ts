// Watches the source files of the guests `ngxwasm dev` serves: the files
// the compiler read on the last build (the guest's own and the SDK's it
// imports), through a watch on each of their directories. Directories, not
// files: editors often save by writing a new file and renaming it over the
// old one, which ends a watch on the file itself; and a new .ts file next to
// a source (a module the guest is about to import) is noticed too.
import { watch, type FSWatcher } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A file that can change what a guest builds to: TypeScript sources and the
 * compiler's configuration; not hidden files (editors' lock files such as
 * Emacs's `.#index.ts`).
 */
function isSource(name: string): boolean {
  return !name.startsWith(".") && (name.endsWith(".ts") || name === "asconfig.json");
}

export class SourceWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private firstChangeAt = 0;
  private timer: NodeJS.Timeout | undefined;

  /**
   * `onChange` gets the changed paths and the time (performance.now()) of
   * the first change of the batch: a save often arrives as several events
   * (truncate, write, rename), gathered for `settleMs` after the last one.
   */
  constructor(
    private readonly onChange: (paths: string[], firstChangeAt: number) => void,
    private readonly settleMs = 30,
  ) {}

  /** Watch the directories of these files (and only those); earlier directories no longer needed are dropped. */
  watchFiles(files: Iterable<string>): void {
    const dirs = new Set<string>();
    for (const f of files) dirs.add(dirname(f));
    for (const [dir, w] of this.watchers) {
      if (!dirs.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: true }, (_event, name) => {
          if (name && isSource(name)) this.changed(join(dir, name));
        });
        // A directory removed while watched: stop watching it; a later build re-adds what exists.
        w.on("error", () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        /* the directory is gone: nothing to watch there */
      }
    }
  }

  /** The directories being watched. */
  get directories(): string[] {
    return [...this.watchers.keys()];
  }

  private changed(path: string): void {
    if (this.pending.size === 0) this.firstChangeAt = performance.now();
    this.pending.add(path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = [...this.pending];
      this.pending = new Set();
      this.onChange(paths, this.firstChangeAt);
    }, this.settleMs);
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
