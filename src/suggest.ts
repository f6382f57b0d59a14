/**
 * "did you mean …?" for names the user mistyped: check ids, profile keys. Commander already does
 * this for subcommands; this is the same idea (edit distance) for the names it does not know.
 */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}

/**
 * The candidates nearest to `typed`, best first (at most three). A dotted candidate also matches
 * on its last part, so "quantum" finds "pipewire.quantum". Nothing is suggested when even the
 * nearest is too far to be a typo (more edits than a third of the last part typed, at least 1).
 */
export function nearest(typed: string, candidates: readonly string[]): string[] {
  const wanted = typed.toLowerCase();
  const scored = candidates.map((candidate) => {
    const lower = candidate.toLowerCase();
    const tail = lower.slice(lower.lastIndexOf('.') + 1);
    return { candidate, distance: Math.min(editDistance(wanted, lower), editDistance(wanted, tail)) };
  });
  // The allowance follows the last part typed: "pipewire.latency" is not a typo of "pipewire.rate".
  const limit = Math.max(1, Math.floor(wanted.slice(wanted.lastIndexOf('.') + 1).length / 3));
  const best = Math.min(...scored.map((entry) => entry.distance));
  if (!Number.isFinite(best) || best > limit) return [];
  return scored.filter((entry) => entry.distance === best).slice(0, 3).map((entry) => entry.candidate);
}

/** " (did you mean X?)", " (did you mean X or Y?)" or "" when nothing is close. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const found = nearest(typed, candidates);
  if (found.length === 0) return '';
  return ` (did you mean ${found.length === 1 ? found[0] : `${found.slice(0, -1).join(', ')} or ${found.at(-1)}`}?)`;
}
