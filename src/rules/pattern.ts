/**
 * Regular expressions for the `matches` operator, compiled once per pattern
 * through the loader's `compilePattern` (so `(?i)` and friends mean the same
 * in `detour validate` and at run time).
 */
import { compilePattern } from '../policy/pattern.js';

const cache = new Map<string, RegExp | null>();
const MAX_CACHED_PATTERNS = 1000;

/**
 * The compiled pattern, or null when it cannot be used (the condition then
 * never matches; the loader reports such patterns when it validates).
 *
 * @example
 * rulePattern('(?i)overloaded')?.test('Model is OVERLOADED'); // true
 */
export function rulePattern(source: string): RegExp | null {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  let pattern: RegExp | null;
  try {
    pattern = compilePattern(source);
  } catch {
    pattern = null;
  }
  if (cache.size >= MAX_CACHED_PATTERNS) cache.clear();
  cache.set(source, pattern);
  return pattern;
}
