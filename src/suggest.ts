/** "Did you mean …?" for a mistyped command, option, key or name. */

/**
 * Edits between `a` and `b`, case-insensitive: insertions, deletions, substitutions and swaps of
 * two neighbouring characters (`jsno` is one edit from `json`).
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let before: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    [before, prev] = [prev, row];
  }
  return prev[y.length];
}

/**
 * The candidate closest to `typed`, when it is close enough to be a plausible typo: at most a
 * quarter of the typed length away (at least one edit, at most three), or the only one that starts
 * with what was typed.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of list) {
    const d = editDistance(typed, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  if (best === undefined) return undefined;
  if (bestDistance <= Math.max(1, Math.min(3, Math.floor(typed.length / 4)))) return best;
  const prefix = list.filter((c) => typed.length >= 2 && c.toLowerCase().startsWith(typed.toLowerCase()));
  return prefix.length === 1 ? prefix[0] : undefined;
}

/** `; did you mean "x"?`, or nothing. `show` formats the suggestion (default: JSON-quoted). */
export function didYouMean(
  typed: string,
  candidates: Iterable<string>,
  show: (s: string) => string = (s) => JSON.stringify(s),
): string {
  const c = closest(typed, candidates);
  return c === undefined ? '' : `; did you mean ${show(c)}?`;
}
