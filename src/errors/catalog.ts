/**
 * The error responses each provider documents (status, headers, JSON body,
 * as the provider sends them), keyed by fault. One source for the
 * simulator's faults and the classifier's tests.
 *
 * Sources: OpenAI "Error codes" guide and rate-limit headers, Anthropic
 * "Errors" reference and rate-limit headers, Gemini API troubleshooting and
 * google.rpc error details, Azure OpenAI content filtering, Vertex AI's error
 * codes, Amazon Bedrock's runtime API reference. Where a provider
 * has no such fault, its nearest documented equivalent is returned (see each
 * table's comments).
 */
import { anthropicErrorResponse } from './catalog-anthropic.js';
import { bedrockErrorResponse } from './catalog-bedrock.js';
import { googleErrorResponse } from './catalog-google.js';
import { azureErrorResponse, openaiErrorResponse } from './catalog-openai.js';
import type { CatalogOptions, DocumentedErrorResponse, FaultName } from './catalog-types.js';
import { vertexAnthropicErrorResponse, vertexErrorResponse } from './catalog-vertex.js';

export { FAULT_NAMES, type CatalogOptions, type DocumentedErrorResponse, type FaultName } from './catalog-types.js';

/** Whose documented errors: `vertex` is Gemini on Vertex AI, `vertex_anthropic` Claude on Vertex AI. */
export type DocumentedProvider =
  | 'openai'
  | 'anthropic'
  | 'google'
  | 'azure_openai'
  | 'bedrock'
  | 'vertex'
  | 'vertex_anthropic';

export const DOCUMENTED_PROVIDERS: readonly DocumentedProvider[] = [
  'openai',
  'anthropic',
  'google',
  'azure_openai',
  'bedrock',
  'vertex',
  'vertex_anthropic',
];

/**
 * The provider's documented response for a fault; `retryAfterSeconds` sets the
 * retry headers where the provider sends them (OpenAI/Anthropic `retry-after`,
 * Azure `retry-after-ms` too, Google `RetryInfo.retryDelay`). Providers without
 * such a fault return their nearest documented equivalent (e.g. `overloaded` on
 * OpenAI is a 503 "overloaded"). One exception to "an error": Gemini reports a
 * blocked prompt as a 200 with `promptFeedback.blockReason`, so `content_filter`
 * on `google` returns that 200 (classify it with `classifyResponse`).
 *
 * @example
 * const { status, headers, body } = providerErrorResponse('anthropic', 'overloaded')
 * response.writeHead(status, { 'content-type': 'application/json', ...headers })
 * response.end(JSON.stringify(body))
 */
export function providerErrorResponse(
  provider: DocumentedProvider,
  fault: FaultName,
  options: CatalogOptions = {},
): DocumentedErrorResponse {
  switch (provider) {
    case 'openai':
      return openaiErrorResponse(fault, options);
    case 'anthropic':
      return anthropicErrorResponse(fault, options);
    case 'google':
      return googleErrorResponse(fault, options);
    case 'azure_openai':
      return azureErrorResponse(fault, options);
    case 'bedrock':
      return bedrockErrorResponse(fault, options);
    case 'vertex':
      return vertexErrorResponse(fault, options);
    case 'vertex_anthropic':
      return vertexAnthropicErrorResponse(fault, options);
    default:
      return openaiErrorResponse(fault, options);
  }
}
