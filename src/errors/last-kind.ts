/**
 * A provider that fails tends to fail the same way many times over: every
 * call of an outage gets the same 500, 429 or 529 body. Working the kind out
 * (the message's patterns in `kindFromHttp`) and redacting the same message
 * again is the largest step of classifying such an error, so each classifier
 * keeps what the last error gave and reuses it for an identical next one —
 * only when every input of that work is the same. The rest of a fact (the
 * wait, the limit's scope, the body) is always the error's own.
 */
import { safeMessage } from './fact.js';
import { kindFromHttp } from './http.js';
import type { ErrorKind } from './kinds.js';

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
