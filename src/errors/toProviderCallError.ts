/**
 * What adapters call in their `catch`: classify the SDK's error and wrap it
 * in a ProviderCallError that keeps the original as `cause`, scrubbed of
 * anything that looks like a key (and of the adapter's own key).
 *
 * Scrubbing reads and rewrites the SDK error's message, body and stack
 * (formatting a stack is the dearest step of a failover), so a caller that
 * only keeps some errors can put it off: with `deferScrub` the cause stays as
 * the SDK threw it until `scrubCause(error)` runs, which the caller must call
 * before the error leaves its hands (the executor does so for the error a
 * failed session ends with). The fact itself is always redacted at once.
 */
import { classifyError, type ClassifyContext } from './classify.js';
import { ProviderCallError } from './ProviderCallError.js';
import { scrubErrorInPlace } from './redact.js';

/**
 * A ProviderCallError for anything an SDK threw; an existing ProviderCallError passes through.
 *
 * @example
 * try { return await client.messages.create(body, { signal }) }
 * catch (error) { throw toProviderCallError(error, { provider: 'anthropic', aborted: signal.aborted }) }
 */
export function toProviderCallError(
  error: unknown,
  context: ClassifyContext = {},
  options: { readonly partialText?: string | null; readonly deferScrub?: boolean } = {},
): ProviderCallError {
  if (ProviderCallError.isInstance(error)) return error;
  const fact = classifyError(error, context);
  const wrapped = new ProviderCallError(fact, { cause: error, partialText: options.partialText ?? null });
  const secrets = context.secrets ?? [];
  if (options.deferScrub === true && typeof error === 'object' && error !== null) wrapped.deferScrub(secrets);
  else scrubErrorInPlace(error, secrets);
  return wrapped;
}

/**
 * Scrub the cause of a ProviderCallError built with `deferScrub` (once; any
 * other value is left alone). Returns `error`.
 *
 * @example
 * const kept = scrubCause(attemptError); // now safe to log or rethrow
 */
export function scrubCause<T>(error: T): T {
  if (ProviderCallError.isInstance(error) && typeof error.scrubCause === 'function') error.scrubCause();
  return error;
}
