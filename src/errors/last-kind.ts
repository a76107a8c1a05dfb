/**
 * A provider that fails tends to fail the same way many times over: every
 * call of an outage gets the same 500, 429 or 529 body. Working the kind out
 * (the message's patterns in `kindFromHttp`), redacting the same message and
 * building the same fact again is most of what a failover costs, so each
 * classifier keeps what the last error gave: its kind and fact message
 * (`LastKind`), and the fact itself (`LastFact`), reused for an identical next
 * error — only when every input of that work is the same.
 */
import { makeFactWithSafeMessage, safeMessage, type FactFields } from './fact.js';
import { kindFromHttp } from './http.js';
import type { ErrorFact, ErrorKind, ErrorScope } from './kinds.js';
import { withKnownSecrets } from './redact.js';
import { limitScope } from './scope.js';

/** What an HTTP error's status, codes and message give. */
export interface WorkedKind {
  readonly kind: ErrorKind;
  /** The fact's message: cut, keys redacted (`safeMessage`). */
  readonly safeMessage: string;
}

/**
 * The last error's kind and fact message, for one classifier.
 *
 * @example
 * const last = new LastKind();
 * const { kind, safeMessage } = last.of(500, 'server_error', undefined, undefined, 'The server had an error');
 */
export class LastKind {
  #status: number | null = null;
  #first: string | undefined = undefined;
  #second: string | undefined = undefined;
  #third: string | undefined = undefined;
  #message: string | null = null;
  #worked: WorkedKind | null = null;

  /** `kindFromHttp` for the status, up to three codes (absent ones undefined) and the message, with the fact's message. */
  of(status: number | null, first: string | undefined, second: string | undefined, third: string | undefined, message: string): WorkedKind {
    const worked = this.#worked;
    if (worked !== null && this.#message === message && this.#status === status && this.#first === first && this.#second === second && this.#third === third) return worked;
    const codes: string[] = [];
    if (first !== undefined) codes.push(first);
    if (second !== undefined) codes.push(second);
    if (third !== undefined) codes.push(third);
    const kind = kindFromHttp({ status, codes, message });
    const fresh = { kind, safeMessage: safeMessage(kind, message) };
    this.#status = status;
    this.#first = first;
    this.#second = second;
    this.#third = third;
    this.#message = message;
    this.#worked = fresh;
    return fresh;
  }
}

/** The fields of an HTTP error's fact beside its status and message (`LastKind`'s inputs). */
export interface HttpFactFields extends Omit<FactFields, 'status' | 'message'> {
  readonly code: string | null;
  readonly retryAfterMs: number | null;
  readonly provider: string;
  readonly sdkError: string | null;
  /** A kind that, when the error turns out to be of it, covers the whole provider (scope `provider`). */
  readonly providerWide?: ErrorKind;
}

/** How deep and wide two bodies are compared before they count as different. */
const SAME_DEPTH = 4;
const SAME_KEYS = 64;

/**
 * True when two parsed JSON bodies hold the same data, their keys in the same order (small ones only: a
 * larger one, or one whose keys come in another order, counts as different: its fact is worked out afresh).
 */
function sameBody(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth >= SAME_DEPTH) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length || keys.length > SAME_KEYS) return false;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    if (key !== others[index] || !sameBody((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * The last HTTP error's fact, for one classifier: the same fact object again
 * for an error identical in everything the fact is made of (status, codes,
 * message, wait, limit scope, provider, SDK class, body, the secrets scrubbed
 * from it), else a new one. Facts are never changed once made, so an
 * identical one may be shared; its `raw` is copied on first read as before.
 *
 * @example
 * const last = new LastFact();
 * const fact = last.of(500, 'server_error', undefined, undefined, 'Oops', { code: 'server_error', retryAfterMs: null, provider: 'openai', sdkError: 'InternalServerError', raw: body }, secrets);
 */
export class LastFact {
  readonly #kinds = new LastKind();
  #worked: WorkedKind | null = null;
  #fields: HttpFactFields | null = null;
  #scope: ErrorScope | null = null;
  #secrets: readonly string[] | undefined = undefined;
  #fact: ErrorFact | null = null;

  /**
   * The fact for an HTTP error: `LastKind`'s inputs (status, up to three codes, the message),
   * the rest of the fact's fields, and the known secrets to scrub from it (`withKnownSecrets`).
   */
  of(status: number | null, first: string | undefined, second: string | undefined, third: string | undefined, message: string, fields: HttpFactFields, secrets: readonly string[] | undefined): ErrorFact {
    const worked = this.#kinds.of(status, first, second, third, message);
    const scope =
      fields.scope !== undefined ? fields.scope : worked.kind === fields.providerWide ? 'provider' : limitScope(worked.kind, { message, headers: fields.headers, raw: fields.raw });
    const last = this.#fields;
    if (
      this.#fact !== null &&
      last !== null &&
      worked === this.#worked &&
      scope === this.#scope &&
      secrets === this.#secrets &&
      fields.code === last.code &&
      fields.retryAfterMs === last.retryAfterMs &&
      fields.provider === last.provider &&
      fields.sdkError === last.sdkError &&
      sameBody(fields.raw, last.raw)
    ) {
      return this.#fact;
    }
    const { code, retryAfterMs, headers, provider, sdkError, raw } = fields;
    const fact = withKnownSecrets(makeFactWithSafeMessage(worked.kind, worked.safeMessage, { status, code, message, retryAfterMs, headers, provider, sdkError, raw, scope }), secrets);
    this.#worked = worked;
    this.#fields = fields;
    this.#scope = scope;
    this.#secrets = secrets;
    this.#fact = fact;
    return fact;
  }
}
