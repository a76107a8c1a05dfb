/**
 * Scrubs credentials out of text before it reaches a span. Provider error
 * messages echo keys ("Incorrect API key provided: sk-proj-…"), and SDK
 * messages sometimes quote headers or URLs with `?key=`.
 */

const REDACTED = '[REDACTED]';

/** Longest error message kept on a span; the rest is cut so a body echoing a prompt cannot land whole. */
export const MAX_ERROR_MESSAGE_LENGTH = 300;

const SECRET_PATTERNS: readonly RegExp[] = [
  // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), and most OpenAI-compatible servers.
  /\bsk-[A-Za-z0-9_\-.*]{3,}/g,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{8,}/g,
  // Authorization headers quoted in messages.
  /\b(Bearer|Basic)\s+[A-Za-z0-9_\-.~+/=*]{6,}/gi,
  // key=…, api_key: …, x-api-key=…, token=… in URLs, headers and JSON.
  /\b((?:x-)?(?:api[_-]?key|key|token|access[_-]?token|secret|password|authorization|x-goog-api-key))(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
];

/**
 * Returns `text` with API keys and bearer tokens replaced by `[REDACTED]`,
 * cut to `maxLength` characters.
 *
 * @example
 * redactSecrets('Incorrect API key provided: sk-test-SECRET123') // 'Incorrect API key provided: [REDACTED]'
 */
export function redactSecrets(text: string, maxLength: number = MAX_ERROR_MESSAGE_LENGTH): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, (match: string, name?: string, separator?: string) =>
      typeof name === 'string' && typeof separator === 'string' && match.startsWith(name) ? `${name}${separator}${REDACTED}` : REDACTED,
    );
  }
  return result.length > maxLength ? `${result.slice(0, maxLength)}…` : result;
}
