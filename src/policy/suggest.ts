/**
 * "Did you mean …?" for misspelt keys, names and enum values.
 */

function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = row;
    for (let column = 1; column <= right.length; column++) {
      const above = previous[column] ?? 0;
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      previous[column] = Math.min(above + 1, (previous[column - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[right.length] ?? 0;
}

/**
 * The candidate nearest to `word`, if it is close enough to be a likely
 * typo (case and `-`/`_` differences are free).
 *
 * @example
 * nearest('max_attempt', ['max_attempts', 'timeout']) // 'max_attempts'
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const normalise = (text: string) => text.toLowerCase().replace(/-/g, '_');
  const target = normalise(word);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalise(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** ` Did you mean \`x\`?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const suggestion = nearest(word, candidates);
  return suggestion === undefined ? '' : ` Did you mean \`${suggestion}\`?`;
}
