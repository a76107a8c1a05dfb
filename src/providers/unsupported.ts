/**
 * Refusing, before the call, what a provider cannot take: a clear
 * `invalid_request` instead of a silently dropped image, tool or schema.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { detourFact } from './call-error.js';
import type { GenerateRequest, ProviderType } from './spec.js';

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

/** Until an adapter translates them: tools, non-text parts, JSON output and reasoning are refused before the call. */
export function requireTextOnly(provider: ProviderType, modelId: string, request: GenerateRequest): void {
  if (request.tools !== undefined && request.tools.length > 0) throw unsupportedInput(provider, modelId, 'tools are not supported by this adapter yet');
  if (request.responseFormat !== undefined && request.responseFormat.type !== 'text') throw unsupportedInput(provider, modelId, 'JSON response formats are not supported by this adapter yet');
  if (request.reasoning !== undefined) throw unsupportedInput(provider, modelId, 'reasoning options are not supported by this adapter yet');
  for (const message of request.messages) {
    if (message.role === 'tool') throw unsupportedInput(provider, modelId, 'tool messages are not supported by this adapter yet');
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type !== 'text') throw unsupportedInput(provider, modelId, `${part.type} parts are not supported by this adapter yet`);
    }
  }
}
