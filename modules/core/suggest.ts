/** Did-you-mean: the known name a mistyped one most likely meant. */

/** Edit distance where swapping two neighbours counts 1 (`evn` → `env`); Infinity past 64 characters (no suggestion for long text). */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name `given` most likely meant, ignoring case: at most 2 edits, or one edit per 5
 * characters for long names (`instanceCategory` → `instanceCategories` is 3); ties go to the
 * longest shared prefix. Undefined when nothing is that close.
 */
export function closestName(given: string, known: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  const limit = Math.max(2, Math.floor(g.length / 5));
  const sharedPrefix = (c: string) => {
    let i = 0;
    while (i < c.length && c[i] === g[i]) i++;
    return i;
  };
  let best: { name: string; d: number; p: number } | undefined;
  for (const name of known) {
    const c = name.toLowerCase();
    const d = editDistance(g, c);
    const p = sharedPrefix(c);
    if (d <= limit && (!best || d < best.d || (d === best.d && p > best.p))) best = { name, d, p };
  }
  return best?.name;
}
