/**
 * The Gemini API's documented error responses (`catalog.ts` is the entry
 * point): `{ error: { code, message, status, details? } }`, google.rpc style.
 * Gemini sends no `retry-after` header: the delay lives in `RetryInfo`.
 */
import type { CatalogOptions, DocumentedErrorResponse, FaultName } from './catalog-types.js';

const DEFAULT_GOOGLE_MODEL = 'gemini-2.0-flash';
const RPC = 'type.googleapis.com/google.rpc.';

function googleBody(code: number, status: string, message: string, details?: readonly unknown[]) {
  return { error: details === undefined ? { code, message, status } : { code, message, status, details } };
}

function respond(code: number, status: string, message: string, details?: readonly unknown[]): DocumentedErrorResponse {
  return { status: code, headers: {}, body: googleBody(code, status, message, details) };
}

function retryInfo(options: CatalogOptions): unknown[] {
  return options.retryAfterSeconds === undefined
    ? []
    : [{ '@type': `${RPC}RetryInfo`, retryDelay: `${options.retryAfterSeconds}s` }];
}

function quotaExhausted(options: CatalogOptions, period: 'Minute' | 'Day'): DocumentedErrorResponse {
  const model = options.model ?? DEFAULT_GOOGLE_MODEL;
  const limit = period === 'Minute' ? '15' : '200';
  const retry = options.retryAfterSeconds === undefined ? '' : `\nPlease retry in ${options.retryAfterSeconds}s.`;
  return respond(
    429,
    'RESOURCE_EXHAUSTED',
    `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: ${limit}, model: ${model}${retry}`,
    [
      {
        '@type': `${RPC}QuotaFailure`,
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: `GenerateRequestsPer${period}PerProjectPerModel-FreeTier`,
            quotaDimensions: { location: 'global', model },
            quotaValue: limit,
          },
        ],
      },
      {
        '@type': `${RPC}Help`,
        links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
      },
      ...retryInfo(options),
    ],
  );
}

/** Gemini API (generativelanguage.googleapis.com/v1beta). */
export function googleErrorResponse(fault: FaultName, options: CatalogOptions): DocumentedErrorResponse {
  const model = options.model ?? DEFAULT_GOOGLE_MODEL;
  switch (fault) {
    case 'rate_limit':
      return quotaExhausted(options, 'Minute');
    case 'quota':
      return quotaExhausted(options, 'Day');
    case 'server_error':
      return respond(
        500,
        'INTERNAL',
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        retryInfo(options),
      );
    case 'bad_gateway':
      return respond(502, 'UNAVAILABLE', 'Bad Gateway', retryInfo(options));
    case 'service_unavailable':
      return respond(503, 'UNAVAILABLE', 'The service is currently unavailable.', retryInfo(options));
    case 'overloaded':
      return respond(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', retryInfo(options));
    case 'gateway_timeout':
    case 'request_timeout':
      return respond(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
    case 'unauthorized':
      // The Gemini API answers a bad API key with 400 INVALID_ARGUMENT, not 401.
      return respond(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        {
          '@type': `${RPC}ErrorInfo`,
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        { '@type': `${RPC}LocalizedMessage`, locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
      ]);
    case 'forbidden':
      return respond(403, 'PERMISSION_DENIED', 'The caller does not have permission');
    case 'not_found':
      return respond(
        404,
        'NOT_FOUND',
        `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      );
    case 'context_length':
      return respond(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1189652) exceeds the maximum number of tokens allowed (1048576).',
      );
    case 'content_filter':
      // Gemini does not fail a blocked prompt: it answers 200 with promptFeedback.blockReason.
      return {
        status: 200,
        headers: {},
        body: {
          promptFeedback: {
            blockReason: 'SAFETY',
            safetyRatings: [
              { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'HIGH' },
              { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
            ],
          },
          usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
          modelVersion: model,
        },
      };
    case 'bad_request':
      return respond(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "foo": Cannot find field.', [
        {
          '@type': `${RPC}BadRequest`,
          fieldViolations: [{ description: 'Invalid JSON payload received. Unknown name "foo": Cannot find field.' }],
        },
      ]);
    case 'unprocessable':
      return respond(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.');
    default:
      return respond(500, 'INTERNAL', 'An internal error has occurred.');
  }
}
