/**
 * OpenAI's and Azure OpenAI's documented error responses (`catalog.ts` is the
 * entry point). Bodies follow `{ error: { message, type, param, code } }`.
 */
import type { CatalogOptions, DocumentedErrorResponse, FaultName } from './catalog-types.js';

const DEFAULT_OPENAI_MODEL = 'gpt-4o';

function openaiBody(message: string, type: string | null, code: string | number | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

function rateLimitHeaders(options: CatalogOptions, exhausted: 'requests' | 'tokens'): Record<string, string> {
  const resetSeconds = options.retryAfterSeconds ?? 1;
  const headers: Record<string, string> = {
    'x-request-id': 'req_7f1c2a9e4b0d4c8e9a6f3b2d1c0e5a47',
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-limit-tokens': '30000',
    'x-ratelimit-remaining-requests': exhausted === 'requests' ? '0' : '499',
    'x-ratelimit-remaining-tokens': exhausted === 'tokens' ? '0' : '29000',
    'x-ratelimit-reset-requests': exhausted === 'requests' ? `${resetSeconds}s` : '120ms',
    'x-ratelimit-reset-tokens': exhausted === 'tokens' ? `${resetSeconds}s` : '2ms',
  };
  if (options.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.ceil(options.retryAfterSeconds));
    headers['retry-after-ms'] = String(Math.round(options.retryAfterSeconds * 1000));
  }
  return headers;
}

const REQUEST_ID = { 'x-request-id': 'req_3e8b6d0c1f2a4b5c9d7e6f8a0b1c2d3e' } as const;

/** OpenAI platform API (api.openai.com/v1). */
export function openaiErrorResponse(fault: FaultName, options: CatalogOptions): DocumentedErrorResponse {
  const model = options.model ?? DEFAULT_OPENAI_MODEL;
  const retryHeaders: Record<string, string> =
    options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(Math.ceil(options.retryAfterSeconds)) };
  switch (fault) {
    case 'rate_limit':
      return {
        status: 429,
        headers: rateLimitHeaders(options, 'tokens'),
        body: openaiBody(
          `Rate limit reached for ${model} in organization org-detourexample on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in ${options.retryAfterSeconds ?? 1}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
          'tokens',
          'rate_limit_exceeded',
        ),
      };
    case 'quota':
      return {
        status: 429,
        headers: { ...REQUEST_ID },
        body: openaiBody(
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          'insufficient_quota',
          'insufficient_quota',
        ),
      };
    case 'server_error':
      return {
        status: 500,
        headers: { ...REQUEST_ID, ...retryHeaders },
        body: openaiBody(
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
          null,
        ),
      };
    case 'bad_gateway':
      return { status: 502, headers: { ...retryHeaders }, body: openaiBody('Bad gateway.', 'cf_bad_gateway', 502) };
    case 'service_unavailable':
      return {
        status: 503,
        headers: { ...REQUEST_ID, ...retryHeaders },
        body: openaiBody(
          'Slow Down: a sudden increase in your request rate is impacting service reliability. Please reduce your request rate.',
          'server_error',
          null,
        ),
      };
    case 'overloaded':
      return {
        status: 503,
        headers: { ...REQUEST_ID, ...retryHeaders },
        body: openaiBody('The engine is currently overloaded, please try again later.', 'server_error', null),
      };
    case 'gateway_timeout':
      return { status: 504, headers: {}, body: openaiBody('Gateway timeout.', 'cf_gateway_timeout', 504) };
    case 'request_timeout':
      return {
        status: 408,
        headers: { ...REQUEST_ID },
        body: openaiBody('Request timed out.', 'timeout', null),
      };
    case 'unauthorized':
      return {
        status: 401,
        headers: { ...REQUEST_ID },
        body: openaiBody(
          'Incorrect API key provided: sk-proj-********************************************wXyZ. You can find your API key at https://platform.openai.com/account/api-keys.',
          'invalid_request_error',
          'invalid_api_key',
        ),
      };
    case 'forbidden':
      return {
        status: 403,
        headers: { ...REQUEST_ID },
        body: openaiBody(
          'Country, region, or territory not supported',
          'request_forbidden',
          'unsupported_country_region_territory',
        ),
      };
    case 'not_found':
      return {
        status: 404,
        headers: { ...REQUEST_ID },
        body: openaiBody(
          `The model \`${model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
        ),
      };
    case 'context_length':
      return {
        status: 400,
        headers: { ...REQUEST_ID },
        body: openaiBody(
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
          'invalid_request_error',
          'context_length_exceeded',
          'messages',
        ),
      };
    case 'content_filter':
      return {
        status: 400,
        headers: { ...REQUEST_ID },
        body: openaiBody(
          'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting',
          'invalid_request_error',
          'invalid_prompt',
        ),
      };
    case 'bad_request':
      return {
        status: 400,
        headers: { ...REQUEST_ID },
        body: openaiBody(
          "Invalid type for 'temperature': expected a decimal, but got a string instead.",
          'invalid_request_error',
          'invalid_type',
          'temperature',
        ),
      };
    case 'unprocessable':
      return {
        status: 422,
        headers: { ...REQUEST_ID },
        body: openaiBody('Unprocessable Entity: the request could not be processed.', 'invalid_request_error', null),
      };
    default:
      return openaiErrorResponse('server_error', options);
  }
}

/** Azure OpenAI (`{resource}.openai.azure.com/openai/deployments/{deployment}`). */
export function azureErrorResponse(fault: FaultName, options: CatalogOptions): DocumentedErrorResponse {
  const azureRequestId = { 'apim-request-id': '6a1f0c3e-2b4d-4e8f-9a7c-5d3b1e0f2a9c', 'x-ms-region': 'East US' };
  switch (fault) {
    case 'rate_limit': {
      const seconds = options.retryAfterSeconds ?? 6;
      const headers: Record<string, string> = {
        ...azureRequestId,
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-remaining-tokens': '0',
      };
      if (options.retryAfterSeconds !== undefined) {
        headers['retry-after'] = String(Math.ceil(seconds));
        headers['retry-after-ms'] = String(Math.round(seconds * 1000));
      }
      return {
        status: 429,
        headers,
        body: {
          error: {
            code: '429',
            message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${Math.ceil(seconds)} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
          },
        },
      };
    }
    case 'unauthorized':
      return {
        status: 401,
        headers: { ...azureRequestId },
        body: {
          error: {
            code: '401',
            message:
              'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
          },
        },
      };
    case 'not_found':
      return {
        status: 404,
        headers: { ...azureRequestId },
        body: {
          error: {
            code: 'DeploymentNotFound',
            message:
              'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          },
        },
      };
    case 'content_filter':
      return {
        status: 400,
        headers: { ...azureRequestId },
        body: {
          error: {
            message:
              "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
            type: null,
            param: 'prompt',
            code: 'content_filter',
            status: 400,
            innererror: {
              code: 'ResponsibleAIPolicyViolation',
              content_filter_result: {
                hate: { filtered: true, severity: 'high' },
                jailbreak: { filtered: false, detected: false },
                self_harm: { filtered: false, severity: 'safe' },
                sexual: { filtered: false, severity: 'safe' },
                violence: { filtered: false, severity: 'safe' },
              },
            },
          },
        },
      };
    default: {
      const response = openaiErrorResponse(fault, options);
      const { 'x-request-id': _dropped, ...headers } = response.headers;
      void _dropped;
      return { ...response, headers: { ...headers, ...azureRequestId } };
    }
  }
}
