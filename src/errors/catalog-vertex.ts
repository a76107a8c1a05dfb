/**
 * Vertex AI's documented error responses (`catalog.ts` is the entry point).
 * Vertex's own front answers in google.rpc style (`{ error: { code, message,
 * status, details? } }`) for both publishers: quotas and shared capacity
 * (429 RESOURCE_EXHAUSTED), sign-in (401 UNAUTHENTICATED), IAM (403
 * PERMISSION_DENIED), billing (403 with ErrorInfo BILLING_DISABLED), unknown
 * models (404). Past the front, Gemini's errors are the Gemini API's and
 * Claude's are Anthropic's own (`overloaded_error`, `prompt is too long`).
 *
 * Sources: Vertex AI "Error code 429" and generative AI quotas pages, Google
 * Cloud API error model (google.rpc ErrorInfo, RetryInfo), Anthropic's
 * "Claude on Vertex AI" errors.
 */
import { anthropicErrorResponse } from './catalog-anthropic.js';
import { googleErrorResponse } from './catalog-google.js';
import type { CatalogOptions, DocumentedErrorResponse, FaultName } from './catalog-types.js';

const RPC = 'type.googleapis.com/google.rpc.';
const PROJECT = 'projects/my-project/locations/us-central1';

function respond(code: number, status: string, message: string, details?: readonly unknown[]): DocumentedErrorResponse {
  const error = details === undefined || details.length === 0 ? { code, message, status } : { code, message, status, details };
  return { status: code, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: { error } };
}

function retryInfo(options: CatalogOptions): unknown[] {
  return options.retryAfterSeconds === undefined ? [] : [{ '@type': `${RPC}RetryInfo`, retryDelay: `${options.retryAfterSeconds}s` }];
}

/** The answers Vertex's front gives whatever the publisher; null for faults past the front. */
function frontError(fault: FaultName, publisher: 'google' | 'anthropic', options: CatalogOptions): DocumentedErrorResponse | null {
  const model = options.model ?? (publisher === 'google' ? 'gemini-2.5-flash' : 'claude-sonnet-4@20250514');
  const resource = `${PROJECT}/publishers/${publisher}/models/${model}`;
  switch (fault) {
    case 'rate_limit':
      return publisher === 'google'
        ? respond(
            429,
            'RESOURCE_EXHAUSTED',
            'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.',
            retryInfo(options),
          )
        : respond(
            429,
            'RESOURCE_EXHAUSTED',
            `Quota exceeded for aiplatform.googleapis.com/online_prediction_input_tokens_per_minute_per_base_model with base model: anthropic-${model.replace(/@.*$/, '')}. Please submit a quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.`,
            retryInfo(options),
          );
    case 'quota':
      return respond(
        403,
        'PERMISSION_DENIED',
        'This API method requires billing to be enabled. Please enable billing on project #123456789012 by visiting https://console.developers.google.com/billing/enable?project=123456789012 then retry. If you enabled billing for this project recently, wait a few minutes for the action to propagate to our systems and retry.',
        [
          {
            '@type': `${RPC}ErrorInfo`,
            reason: 'BILLING_DISABLED',
            domain: 'googleapis.com',
            metadata: { service: 'aiplatform.googleapis.com', consumer: 'projects/123456789012' },
          },
        ],
      );
    case 'unauthorized':
      return respond(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        [{ '@type': `${RPC}ErrorInfo`, reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED', domain: 'googleapis.com', metadata: { service: 'aiplatform.googleapis.com' } }],
      );
    case 'forbidden':
      return respond(
        403,
        'PERMISSION_DENIED',
        `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/${resource}' (or it may not exist).`,
        [{ '@type': `${RPC}ErrorInfo`, reason: 'IAM_PERMISSION_DENIED', domain: 'aiplatform.googleapis.com', metadata: { permission: 'aiplatform.endpoints.predict', resource } }],
      );
    case 'not_found':
      return respond(404, 'NOT_FOUND', `Publisher Model \`${resource}\` not found.`);
    case 'service_unavailable':
      return respond(503, 'UNAVAILABLE', 'The service is currently unavailable.', retryInfo(options));
    default:
      return null;
  }
}

/** Gemini on Vertex AI (`…/publishers/google/models/{model}:generateContent`). */
export function vertexErrorResponse(fault: FaultName, options: CatalogOptions): DocumentedErrorResponse {
  const front = frontError(fault, 'google', options);
  if (front !== null) return front;
  if (fault === 'context_length') {
    return respond(
      400,
      'INVALID_ARGUMENT',
      'Unable to submit request because the input token count is 1500000 but model only supports up to 1048576. Reduce the input token count and try again. You can also use the CountTokens API to calculate prompt token count and billable characters. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/get-token-count',
    );
  }
  return googleErrorResponse(fault, options);
}

/** Claude on Vertex AI (`…/publishers/anthropic/models/{model}:rawPredict`): Vertex's front, else Anthropic's own errors. */
export function vertexAnthropicErrorResponse(fault: FaultName, options: CatalogOptions): DocumentedErrorResponse {
  return frontError(fault, 'anthropic', options) ?? anthropicErrorResponse(fault, options);
}
