/**
 * Regular expressions for the `matches` operator.
 *
 * Private stand-in for `compilePattern` of `src/policy/pattern.ts` (owned by
 * the policy loader), used until that lands. Accepts a leading inline flag
 * group like `(?i)` (PCRE/RE2 style, common in YAML policies), which
 * JavaScript's RegExp does not.
 */

const cache = new Map<string, RegExp | null>();
const INLINE_FLAGS = /^\(\?([ims]+)\)/;

/**
 * Compile a pattern once; invalid patterns give null (the condition then
 * never matches — the loader reports them when it validates the policy).
 *
 * @example
 * rulePattern('(?i)overloaded')?.test('Model is OVERLOADED'); // true
 */
export function rulePattern(source: string): RegExp | null {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  let pattern: RegExp | null;
  try {
    const inline = INLINE_FLAGS.exec(source);
    const flags = inline ? [...new Set(inline[1])].join('') : '';
    pattern = new RegExp(inline ? source.slice(inline[0].length) : source, flags);
  } catch {
    pattern = null;
  }
  if (cache.size > 1000) cache.clear();
  cache.set(source, pattern);
  return pattern;
}
