/**
 * Refusing, before the call, what a provider cannot take: a clear
 * `invalid_request` instead of a silently dropped image, tool or schema.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { detourFact } from './call-error.js';
import type { ProviderType } from './spec.js';

/**
 * The error for a request part `modelId` cannot take.
 *
 * @example
 * throw unsupportedInput('google', 'gemini-2.0-flash', 'file parts of type application/zip are not supported');
 * // InvalidRequestError: gemini-2.0-flash: file parts of type application/zip are not supported
 */
export function unsupportedInput(provider: ProviderType, modelId: string, problem: string): ProviderCallError {
  return new ProviderCallError(detourFact('invalid_request', `${modelId}: ${problem}`, provider, { code: 'unsupported_input' }));
}

