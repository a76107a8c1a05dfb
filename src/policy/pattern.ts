/**
 * Regular expressions for the `matches` operator. Policies are written by
 * people used to PCRE/Python, where `(?i)overloaded` is the way to ignore
 * case; JavaScript has no inline flags, so a leading flag group is turned
 * into RegExp flags here. The loader and the rules engine both compile
 * through this function, so a pattern valid in `detour validate` behaves the
 * same at run time.
 */

/** Longest pattern source accepted: long patterns are a backtracking risk and never needed. */
export const MAX_PATTERN_LENGTH = 512;

const inlineFlags = /^\(\?([a-z]+)\)/;
const supportedInlineFlags: Readonly<Record<string, string>> = { i: 'i', m: 'm', s: 's', u: 'u' };

/** Thrown by {@link compilePattern} for a pattern that cannot be used. */
export class PatternError extends Error {
  override readonly name = 'PatternError';
}

/**
 * Compile a `matches` pattern. A leading inline-flag group (`(?i)`, `(?is)`)
 * becomes RegExp flags; supported flags are i, m, s and u.
 *
 * @throws PatternError when the pattern is too long, has an unsupported flag, or does not compile.
 * @example
 * compilePattern('(?i)overloaded').test('Model is OVERLOADED') // true
 */
export function compilePattern(source: string): RegExp {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(`pattern is ${source.length} characters long; keep it to ${MAX_PATTERN_LENGTH}`);
  }
  let body = source;
  let flags = '';
  const flagGroup = inlineFlags.exec(source);
  if (flagGroup) {
    for (const flag of flagGroup[1] ?? '') {
      const jsFlag = supportedInlineFlags[flag];
      if (jsFlag === undefined) {
        throw new PatternError(`inline flag \`${flag}\` is not supported; use i, m, s or u`);
      }
      if (!flags.includes(jsFlag)) flags += jsFlag;
    }
    body = source.slice(flagGroup[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    throw new PatternError(`not a valid regular expression: ${reason}`, { cause: error });
  }
}
