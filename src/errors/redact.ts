/**
 * Removes anything that looks like a credential from error text and raw
 * bodies. Providers do echo keys back ("Incorrect API key provided: sk-…"),
 * and an error message ends up in logs, spans and session history.
 */
import type { ErrorFact } from './kinds.js';
import { factFields, hasRaw, lazyRaw } from './lazyRaw.js';
import { isRecord, type UnknownRecord } from './shape.js';

const REDACTED = '[REDACTED]';

/** Each pattern and what replaces a match (named pairs keep their name, tokens keep their scheme). */
const SECRET_PATTERNS: readonly (readonly [RegExp, (match: string, ...groups: string[]) => string])[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-), Anthropic (sk-ant-api03-…), most "sk-" style keys.
  [/\bsk-[A-Za-z0-9_*-]{6,}/g, () => REDACTED],
  // Google API keys.
  [/\bAIza[0-9A-Za-z_-]{10,}/g, () => REDACTED],
  // AWS access key ids (long-term AKIA…, temporary ASIA…) and Bedrock API keys (ABSK…).
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, () => REDACTED],
  [/\bABSK[A-Za-z0-9+/=]{20,}/g, () => REDACTED],
  // Bearer / Basic tokens in echoed headers.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, (_match, scheme = '') => `${scheme} ${REDACTED}`],
  // Query values and header-like pairs: key=…, api_key=…, api-key: …, x-api-key: …, x-goog-api-key: …
  [
    /\b((?:x-goog-)?(?:x-)?(?:api[_-]?key|key|access[_-]?token|token|secret|password|subscription-key))(["']?\s*[=:]\s*["']?)([^\s"'&,;)}\]]{4,})/gi,
    (_match, name = '', separator = '') => `${name}${separator}${REDACTED}`,
  ],
];

/** Text every SECRET_PATTERNS match contains (case-insensitive); no match here, nothing to redact. */
const MAYBE_SECRET = /sk-|aiza|akia|asia|abia|acca|absk|bearer|basic|key|token|secret|password/i;

/**
 * The text with every key-looking token replaced by `[REDACTED]`.
 *
 * @example
 * redactSecrets('Incorrect API key provided: sk-proj-abc123xyz') // 'Incorrect API key provided: [REDACTED]'
 */
export function redactSecrets(text: string): string {
  // Most messages hold nothing any pattern could match: one pass to say so instead of six.
  if (!MAYBE_SECRET.test(text)) return text;
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

const MAX_DEPTH = 8;
const MAX_KEYS = 200;
const MAX_STRING = 8_000;

/**
 * A JSON-safe deep copy with secrets redacted: cycles become "[Circular]",
 * depth and width are bounded, functions and symbols are dropped.
 */
export function redactValue(value: unknown, depth = 0, seen: Set<unknown> = new Set()): unknown {
  if (typeof value === 'string') return redactSecrets(value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (!isRecord(value)) return undefined;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.slice(0, MAX_KEYS).map((item) => redactValue(item, depth + 1, seen) ?? null);
    }
    const copy: Record<string, unknown> = {};
    let count = 0;
    for (const key of Object.keys(value)) {
      if (count++ >= MAX_KEYS) break;
      let property: unknown;
      try {
        property = (value as Record<string, unknown>)[key];
      } catch {
        continue;
      }
      const redacted = /^(api[_-]?key|x-api-key|x-goog-api-key|authorization|key)$/i.test(key) ? REDACTED : redactValue(property, depth + 1, seen);
      if (redacted !== undefined) copy[key] = redacted;
    }
    return copy;
  } catch {
    return '[Unreadable]';
  } finally {
    seen.delete(value);
  }
}

/** Secrets shorter than this are not scrubbed: replacing "ab" everywhere would garble the text. */
const MIN_KNOWN_SECRET_LENGTH = 6;

function replaceKnown(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= MIN_KNOWN_SECRET_LENGTH && result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result;
}

function replaceKnownDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return replaceKnown(value, secrets);
  if (Array.isArray(value)) return value.map((item) => replaceKnownDeep(item, secrets));
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceKnownDeep(item, secrets)]));
}

/**
 * The fact with each known secret value (e.g. the API key the adapter used) scrubbed,
 * for keys no pattern recognises. `raw` is already a plain, acyclic copy; a
 * lazy `raw` stays lazy. When neither message nor code holds a secret and `raw`
 * is still lazy, the fact just built itself is returned, its `raw` scrubbed on
 * first read; a fact made before (`made`: one a `ProviderCallError` carries,
 * which identical errors may share) is never changed: its copy is scrubbed.
 */
export function redactKnownSecrets(fact: ErrorFact, secrets: readonly string[], made = false): ErrorFact {
  const message = replaceKnown(fact.message, secrets);
  const code = fact.code === null ? null : replaceKnown(fact.code, secrets);
  // The usual case: no secret in the text, and the body not read yet. The body is scrubbed when it is read.
  if (!made && message === fact.message && code === fact.code && lazyRaw.transform(fact, (raw) => replaceKnownDeep(raw, secrets))) return fact;
  const scrubbed = factFields(fact, message, code);
  return hasRaw(fact) ? lazyRaw(scrubbed, () => replaceKnownDeep(fact.raw, secrets)) : scrubbed;
}

/** `redactKnownSecrets` when there are secrets to scrub, else the fact as it is. */
export function withKnownSecrets(fact: ErrorFact, secrets: readonly string[] | undefined, made = false): ErrorFact {
  return secrets === undefined || secrets.length === 0 ? fact : redactKnownSecrets(fact, secrets, made);
}

const SCRUB_DEPTH = 4;
const SCRUB_KEYS = 64;

function scrubText(text: string, secrets: readonly string[]): string {
  return replaceKnown(redactSecrets(text), secrets);
}

const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie)$/i;

function isHeaders(value: unknown): value is Headers {
  return typeof Headers !== 'undefined' && value instanceof Headers;
}

/**
 * A copy of an SDK's `Headers` with credential headers replaced and every
 * value scrubbed, or null when nothing needed changing. `Headers` is no plain
 * object, so the walk below would pass it by, and `util.inspect` prints its
 * entries: a provider echoing `Authorization` would put the key in every log.
 */
function scrubHeaders(headers: Headers, secrets: readonly string[]): Headers | null {
  const copy = new Headers();
  let changed = false;
  headers.forEach((text, name) => {
    const scrubbed = SECRET_HEADER.test(name) ? REDACTED : scrubText(text, secrets);
    if (scrubbed !== text) changed = true;
    copy.append(name, scrubbed);
  });
  return changed ? copy : null;
}

/**
 * An SDK's raw HTTP response kept on its error (the AWS SDK's `$response`, an
 * `HttpResponse` instance, not a plain object): its headers can echo credentials,
 * and its body, once read, is a spent stream whose socket leads to the request
 * and every header it sent (a session token, the signature's access key id).
 */
function isHttpResponse(value: unknown): value is UnknownRecord {
  return isRecord(value) && typeof value['statusCode'] === 'number' && isRecord(value['headers']);
}

function scrubHttpResponse(response: UnknownRecord, secrets: readonly string[], depth: number, seen: Set<object>): void {
  const body = response['body'];
  if (isRecord(body) && Object.getPrototypeOf(body) !== Object.prototype) replaceProperty(response, 'body', '[body not kept]');
  scrubObject(response, secrets, depth, seen);
}

function replaceProperty(value: object, name: string, replacement: unknown): void {
  try {
    Object.defineProperty(value, name, { value: replacement, writable: true, configurable: true });
  } catch {
    // A frozen or exotic object keeps its value; nothing detour builds from it carries it.
  }
}

function scrubObject(value: object, secrets: readonly string[], depth: number, seen: Set<object>): void {
  if (seen.has(value) || depth > SCRUB_DEPTH) return;
  seen.add(value);
  const isError = value instanceof Error;
  let names: string[];
  try {
    // An error's `message` and `stack` are own but not enumerable; plain bodies only need their keys.
    names = (isError ? Object.getOwnPropertyNames(value) : Object.keys(value)).slice(0, SCRUB_KEYS);
  } catch {
    return;
  }
  for (const name of names) {
    let property: unknown;
    try {
      property = (value as Record<string, unknown>)[name];
    } catch {
      continue;
    }
    if (typeof property === 'string') {
      const scrubbed = scrubText(property, secrets);
      if (scrubbed !== property) replaceProperty(value, name, scrubbed);
    } else if (isHeaders(property)) {
      const scrubbed = scrubHeaders(property, secrets);
      if (scrubbed !== null) replaceProperty(value, name, scrubbed);
    } else if (isHttpResponse(property)) {
      scrubHttpResponse(property, secrets, depth + 1, seen);
    } else if (property instanceof Error || Array.isArray(property) || (isRecord(property) && Object.getPrototypeOf(property) === Object.prototype)) {
      scrubObject(property, secrets, depth + 1, seen);
    }
  }
}

/**
 * Scrub an SDK's error object in place before detour keeps it as a `cause`:
 * its message, stack, parsed body (`error`), response `Headers` and nested causes, so that
 * `console.error(llmFallbackError)` (which prints the cause chain) shows no
 * key even when the provider echoed it. Bounded; never throws.
 *
 * @example
 * scrubErrorInPlace(sdkError, [apiKey]); throw new ProviderCallError(fact, { cause: sdkError })
 */
export function scrubErrorInPlace(error: unknown, secrets: readonly string[] = []): void {
  if (typeof error !== 'object' || error === null) return;
  try {
    scrubObject(error, secrets, 0, new Set());
  } catch {
    // Scrubbing is best effort; classification already redacted the fact.
  }
}
