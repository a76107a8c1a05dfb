/**
 * What adapters call in their `catch`: classify the SDK's error and wrap it
 * in a ProviderCallError that keeps the original as `cause`.
 */
import { classifyError, type ClassifyContext } from './classify.js';
import { ProviderCallError } from './ProviderCallError.js';

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
  return new ProviderCallError(classifyError(error, context), { cause: error, partialText: options.partialText ?? null });
}
