/**
 * Regular expressions for the `matches` operator, through the loader's
 * `compilePattern` (linear-time and cached, so `(?i)` and friends mean the
 * same in `detour validate` and at run time).
 */
import { compilePattern, type CompiledPattern } from '../policy/pattern.js';

/**
 * The compiled pattern, or null when it cannot be used (the condition then
 * never matches; the loader reports such patterns when it validates).
 *
 * @example
 * rulePattern('(?i)overloaded')?.test('Model is OVERLOADED'); // true
 */
export function rulePattern(source: string): CompiledPattern | null {
  try {
    return compilePattern(source);
  } catch {
    return null;
  }
}
