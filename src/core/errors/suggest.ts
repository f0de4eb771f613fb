/**
 * "Did you mean ...?" for a mistyped command, option or choice. The distance is optimal string
 * alignment (Levenshtein plus adjacent transposition), because the commonest slip is two swapped keys:
 * `--wrokers` is one step from `--workers`, not two.
 */

/** The closest candidate, if it is close enough to be what was meant; otherwise undefined. */
export function closestMatch(typed: string, candidates: readonly string[]): string | undefined {
  // Compared without their dashes and case: `--po` is not two letters from `--port` but two from
  // `port`, and `version` is what `--version` means.
  const word = bare(typed);
  // Short words are all close to each other: allow one slip in a short word, two in a longer one.
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, bare(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  // A prefix is what was meant when it names one candidate only: `--work` for `--workers`.
  const prefixed = candidates.filter((candidate) => word.length >= 2 && bare(candidate).startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` — did you mean 'serve'?`, or nothing when no candidate is close. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const match = closestMatch(typed, candidates);
  return match === undefined ? '' : ` — did you mean '${match}'?`;
}

function bare(text: string): string {
  return text.replace(/^-+/, '').toLowerCase();
}

function editDistance(a: string, b: string): number {
  // rows[i][j] is the distance between the first i characters of a and the first j of b.
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i]![j] = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i]![j] = Math.min(rows[i]![j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
