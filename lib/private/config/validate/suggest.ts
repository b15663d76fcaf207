/**
 * "Did you mean" suggestions: optimal string alignment distance (Levenshtein + adjacent swaps).
 */

export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  const d: number[][] = [];
  for (let i = 0; i <= m; i++) {
    d.push(new Array<number>(n + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[m][n];
}

/**
 * The closest candidate to `input` (case-insensitive distance), or undefined when none is close.
 * Close = distance <= max(1, floor(length / 3)), capped at 3. Ties keep the first candidate.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** The candidate equal to `input` ignoring case (and not identical), if any. */
export function caseInsensitiveMatch(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  for (const candidate of candidates) if (candidate !== input && candidate.toLowerCase() === lower) return candidate;
  return undefined;
}
