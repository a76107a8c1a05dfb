/**
 * Regular expressions for the `matches` operator, run by a linear-time engine
 * (re2js, a port of RE2): the text they test is a provider's error message,
 * which can echo a caller's prompt, so a backtracking engine would let anyone
 * who shapes a prompt freeze the process with a pattern like `(a+)+$`.
 *
 * RE2 syntax is Perl/Python syntax without back-references and look-around;
 * inline flags (`(?i)overloaded`, `a(?i:b)c`) work anywhere. The loader and
 * the rules engine both compile through {@link compilePattern}, so a pattern
 * valid in `detour validate` behaves the same at run time.
 */
import type { RE2JS } from 're2js';
import { requireOnFirstUse } from '../load-on-use.js';

/** re2js, loaded with the first pattern compiled, not when detour is imported. */
const re2js = requireOnFirstUse<typeof import('re2js')>('re2js');

/** Longest pattern source accepted: long patterns are never needed and cost memory. */
export const MAX_PATTERN_LENGTH = 512;

/** A compiled `matches` pattern. */
export interface CompiledPattern {
  /** The pattern as written. */
  readonly source: string;
  /** True when the pattern matches anywhere in `text`, in time linear in the text's length. */
  test(text: string): boolean;
}

/** Thrown by {@link compilePattern} for a pattern that cannot be used. */
export class PatternError extends Error {
  override readonly name = 'PatternError';
  /** 0-based index in the pattern of the construct at fault, when known. */
  readonly index: number | null;

  constructor(message: string, index: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.index = index;
  }
}

const leadingFlags = /^\(\?([a-zA-Z]+)\)/;
/** Inline flag letters as RE2 flags and as JavaScript flags (`u`: accepted, meaning nothing more). */
const inlineFlags: Readonly<Record<string, { readonly re2: 'CASE_INSENSITIVE' | 'MULTILINE' | 'DOTALL' | null; readonly js: string }>> = {
  i: { re2: 'CASE_INSENSITIVE', js: 'i' },
  m: { re2: 'MULTILINE', js: 'm' },
  s: { re2: 'DOTALL', js: 's' },
  u: { re2: null, js: '' },
};

interface Unsupported {
  readonly index: number;
  readonly message: string;
}

/**
 * Constructs a backtracking engine has and RE2 has not, each with what to
 * write instead. Found by a scan that skips escapes and character classes.
 */
function findUnsupported(source: string): Unsupported | null {
  let inClass = false;
  for (let index = 0; index < source.length; index += 1) {
    const character = source[index];
    if (character === '\\') {
      const next = source[index + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) {
        return { index, message: `back-reference \`\\${next}\` is not supported: repeat the group's text, or test each part with its own condition under \`all\`` };
      }
      if (!inClass && next === 'k' && source[index + 2] === '<') {
        return { index, message: 'named back-reference `\\k<…>` is not supported: repeat the group\'s text, or test each part with its own condition under `all`' };
      }
      if (next === 'u') {
        return { index, message: 'escape `\\u` is not supported: write `\\x{2019}` for U+2019' };
      }
      if (next === 'c') {
        return { index, message: 'escape `\\c` is not supported: write the control character as `\\x01`…`\\x1F`' };
      }
      index += 1;
      continue;
    }
    if (inClass) {
      if (character === ']') inClass = false;
      continue;
    }
    if (character === '[') {
      inClass = true;
      if (source[index + 1] === '^') index += 1;
      if (source[index + 1] === ']') index += 1;
      continue;
    }
    if (character === '(' && source[index + 1] === '?') {
      const rest = source.slice(index + 2, index + 4);
      if (rest.startsWith('=')) {
        return { index, message: 'look-ahead `(?=…)` is not supported: match the text itself, or add a second `matches` condition under `all`' };
      }
      if (rest.startsWith('!')) {
        return { index, message: 'negative look-ahead `(?!…)` is not supported: add a condition with operator `not:matches` under `all`' };
      }
      if (rest === '<=' || rest === '<!') {
        return {
          index,
          message: `look-behind \`(?${rest}…)\` is not supported: ${rest === '<=' ? 'match the text itself' : 'add a condition with operator `not:matches` under `all`'}`,
        };
      }
      if (rest.startsWith('>')) {
        return { index, message: 'atomic group `(?>…)` is not supported: write a plain group `(?:…)` (the engine never backtracks)' };
      }
    }
    if ((character === '+' || character === '*' || character === '?' || character === '}') && source[index + 1] === '+') {
      return { index: index + 1, message: 'possessive quantifier (`++`, `*+`, `?+`) is not supported: drop the second `+` (the engine never backtracks)' };
    }
  }
  return null;
}

/**
 * True for a pattern with no repetition at all (literals, `\d\w\b` and escaped punctuation,
 * classes, groups, alternation, anchors): JavaScript's engine can backtrack only
 * O(text × pattern) on it, and runs it ~50× faster than re2js, so `(?i)overloaded` and
 * `(?i)(overloaded|capacity)` take that path. Anything else (a quantifier, RE2-only syntax)
 * runs on re2js.
 */
function isRepetitionFree(body: string): boolean {
  let inClass = false;
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index] ?? '';
    if (character === '\\') {
      const next = body[index + 1] ?? '';
      if (!/[dDwWbB.\\()[\]{}|^$*+?\-/:,'"#%&!@=<>~`]/.test(next)) return false;
      index += 1;
      continue;
    }
    if (inClass) {
      if (character === '[') return false;
      if (character === ']') inClass = false;
      continue;
    }
    if (character === '[') {
      inClass = true;
      if (body[index + 1] === '^') index += 1;
      if (body[index + 1] === ']') return false;
      continue;
    }
    // `.` and `\s` differ between the engines on \r and Unicode spaces: leave them to re2js.
    if (character === '*' || character === '+' || character === '{' || character === '}' || character === '.') return false;
    if (character === '?') {
      // Only `(?:` is allowed: any other `?` is a quantifier or RE2 group syntax.
      if (body[index - 1] !== '(' || body[index + 1] !== ':') return false;
    }
  }
  return !inClass;
}

function syntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^error parsing regexp: /, '');
}

const cache = new Map<string, CompiledPattern | PatternError>();
/** Patterns kept compiled; past this the cache starts over (a policy set rarely has more than a few dozen). */
const MAX_CACHED_PATTERNS = 1000;

/**
 * Compile a `matches` pattern for the linear-time engine, once per source
 * (validation and every decision share the compiled form). A leading flag
 * group (`(?i)`, `(?is)`) may also name `u`, accepted for patterns written
 * for JavaScript and ignored (matching is always Unicode-aware).
 *
 * @throws PatternError when the pattern is too long, uses syntax the engine lacks (with what to write instead), or does not compile.
 * @example
 * compilePattern('(?i)overloaded').test('Model is OVERLOADED') // true
 */
export function compilePattern(source: string): CompiledPattern {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    try {
      compiled = compileUncached(source);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      compiled = error;
    }
    if (cache.size >= MAX_CACHED_PATTERNS) cache.clear();
    cache.set(source, compiled);
  }
  if (compiled instanceof PatternError) throw compiled;
  return compiled;
}

function compileUncached(source: string): CompiledPattern {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(`pattern is ${source.length} characters long; keep it to ${MAX_PATTERN_LENGTH}`);
  }
  const unsupported = findUnsupported(source);
  if (unsupported) throw new PatternError(unsupported.message, unsupported.index);
  const { RE2JS, RE2JSException } = re2js();
  let body = source;
  let flags = 0;
  let jsFlags = '';
  const flagGroup = leadingFlags.exec(source);
  if (flagGroup) {
    for (const flag of flagGroup[1] ?? '') {
      const known = inlineFlags[flag];
      if (known === undefined) {
        throw new PatternError(`inline flag \`${flag}\` is not supported; use i, m or s`, 2);
      }
      if (known.re2 !== null) flags |= RE2JS[known.re2];
      if (!jsFlags.includes(known.js)) jsFlags += known.js;
    }
    body = source.slice(flagGroup[0].length);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(body, flags);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new PatternError(`not a valid regular expression: ${syntaxReason(error)}`, null, { cause: error });
  }
  if (isRepetitionFree(body)) {
    try {
      const native = new RegExp(body, jsFlags);
      return { source, test: (text) => native.test(text) };
    } catch {
      // Syntax RE2 takes and JavaScript does not: re2js it is.
    }
  }
  return { source, test: (text) => compiled.test(text) };
}
