// asc's diagnostics, said in the guest author's terms where asc's own words
// mislead: a closure that captures a local is reported by asc as two errors
// at the same place, "TS2454: Variable 'x' is used before being assigned"
// and "AS100: Not implemented: Closures"; the author gets one that says what
// to do.

const CLOSURE = /^ERROR AS100: Not implemented: Closures/;
const UNASSIGNED = /^ERROR TS2454: Variable '([^']+)' is used before being assigned\./;

/** Where a diagnostic points: asc's "in file(line,col)" line. */
function where(diagnostic: string): string | undefined {
  return /└─ in (.+\(\d+,\d+\))/.exec(diagnostic)?.[1];
}

export function explainDiagnostics(diagnostics: string[]): string[] {
  const closures = new Set(diagnostics.filter((d) => CLOSURE.test(d)).map(where).filter((w) => w !== undefined));
  const captured = new Map<string, string>();
  for (const d of diagnostics) {
    const m = UNASSIGNED.exec(d);
    const at = where(d);
    if (m && at && closures.has(at)) captured.set(at, m[1]!);
  }
  return diagnostics
    .filter((d) => !(UNASSIGNED.test(d) && captured.has(where(d) ?? "")))
    .map((d) => {
      if (!CLOSURE.test(d)) return d;
      const name = captured.get(where(d) ?? "");
      const what = name ? `'${name}', a local variable of the function around it` : "a local variable of the function around it";
      return d.replace(
        CLOSURE,
        `ERROR AS100: this function uses ${what}, and AssemblyScript functions cannot capture locals (no closures) — ` +
          `declare ${name ? `'${name}'` : "it"} at module level (outside the function) and set it before the call, or pass the value as an argument`,
      );
    });
}
