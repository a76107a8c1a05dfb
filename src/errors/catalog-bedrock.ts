/**
 * Amazon Bedrock's documented error responses (`catalog.ts` is the entry
 * point), as the runtime API sends them: the error's name in the
 * `x-amzn-ErrorType` header, `{ "message": … }` as the body, and no retry
 * hint (Bedrock sends no `retry-after`). Sources: the Converse /
 * ConverseStream API reference (errors section) and the Bedrock user guide's
 * API error codes.
 */
import type { CatalogOptions, DocumentedErrorResponse, FaultName } from './catalog-types.js';

const REQUEST_ID = '6b0f2c9e-4a51-4d8e-9b3f-0c1d2e3f4a5b';
const DEFAULT_BEDROCK_MODEL = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

function respond(status: number, errorType: string, message: string): DocumentedErrorResponse {
  return {
    status,
    headers: {
      'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': REQUEST_ID,
    },
    body: { message },
  };
}

/**
 * The error name a documented Bedrock response carries (`ThrottlingException`),
 * read from its `x-amzn-ErrorType` header.
 *
 * @example
 * bedrockErrorType({ 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' }) // 'ThrottlingException'
 */
export function bedrockErrorType(headers: Readonly<Record<string, string>>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'x-amzn-errortype') return value.split(':', 1)[0] ?? null;
  }
  return null;
}

/** Bedrock runtime (bedrock-runtime.{region}.amazonaws.com), Converse and ConverseStream. */
export function bedrockErrorResponse(fault: FaultName, options: CatalogOptions): DocumentedErrorResponse {
  const model = options.model ?? DEFAULT_BEDROCK_MODEL;
  switch (fault) {
    case 'rate_limit':
      return respond(429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
    case 'quota':
      return respond(
        400,
        'ServiceQuotaExceededException',
        'Your request exceeds the service quota for your account. You can view your quotas at https://docs.aws.amazon.com/servicequotas/latest/userguide/gs-request-quota.html. You can resubmit your request later.',
      );
    case 'server_error':
      return respond(500, 'InternalServerException', 'An internal server error occurred. Retry your request.');
    case 'bad_gateway':
      // No 502: the model behind Bedrock failing is its 424 ModelErrorException.
      return respond(424, 'ModelErrorException', 'The system encountered an unexpected error during processing. Try your request again.');
    case 'service_unavailable':
      return respond(503, 'ServiceUnavailableException', 'The service isn\u2019t currently available. Try again later.');
    case 'overloaded':
      return respond(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.');
    case 'gateway_timeout':
    case 'request_timeout':
      return respond(408, 'ModelTimeoutException', 'The request took too long to process. Processing time exceeded the model timeout length.');
    case 'unauthorized':
      return respond(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'forbidden':
      return respond(403, 'AccessDeniedException', "You don't have access to the model with the specified model ID.");
    case 'not_found':
      return respond(404, 'ResourceNotFoundException', `Could not resolve the foundation model from the provided model identifier: ${model}.`);
    case 'context_length':
      return respond(400, 'ValidationException', 'Input is too long for requested model.');
    case 'content_filter':
      return respond(400, 'ValidationException', 'The model returned the following errors: Output blocked by content filtering policy');
    case 'bad_request':
      return respond(400, 'ValidationException', 'The value at messages.0.content is invalid: a conversation must start with a user message.');
    case 'unprocessable':
      return respond(400, 'ValidationException', 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    default:
      return respond(500, 'InternalServerException', 'An internal server error occurred. Retry your request.');
  }
}
