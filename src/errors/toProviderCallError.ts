/**
 * What adapters call in their `catch`: classify the SDK's error and wrap it
 * in a ProviderCallError that keeps the original as `cause`, scrubbed of
 * anything that looks like a key (and of the adapter's own key).
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
  options: { readonly partialText?: string | null } = {},
): ProviderCallError {
  if (ProviderCallError.isInstance(error)) return error;
  const fact = classifyError(error, context);
  scrubErrorInPlace(error, context.secrets ?? []);
  return new ProviderCallError(fact, { cause: error, partialText: options.partialText ?? null });
}
