/**
 * "Did you mean …?" for misspelt keys, names and enum values.
 */

/**
 * Edit distance, or `limit + 1` as soon as it must exceed `limit`: lengths
 * further apart than the limit are not compared at all, and a row whose
 * every cell is over the limit ends the count. Checking an unknown key costs
 * O(length · limit) per candidate, whatever the key's length.
 */
function boundedEditDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = row;
    let rowMinimum = row;
    for (let column = 1; column <= right.length; column++) {
      const above = previous[column] ?? 0;
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      const cell = Math.min(above + 1, (previous[column - 1] ?? 0) + 1, diagonal + cost);
      previous[column] = cell;
      if (cell < rowMinimum) rowMinimum = cell;
      diagonal = above;
    }
    if (rowMinimum > limit) return limit + 1;
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
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  const target = normalise(word);
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = boundedEditDistance(target, normalise(candidate), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      if (distance === 0) break;
    }
  }
  return best;
}

/** ` Did you mean \`x\`?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const suggestion = nearest(word, candidates);
  return suggestion === undefined ? '' : ` Did you mean \`${suggestion}\`?`;
}
