/**
 * Maps errors thrown by `@aws-sdk/client-bedrock-runtime` onto ErrorFacts.
 * AWS SDK errors carry the service's error name (`ThrottlingException`) as
 * `name`, the HTTP status in `$metadata.httpStatusCode`, who is at fault in
 * `$fault`, and the response (headers included) on the hidden `$response`.
 * The name decides the kind; the status and message only where one name
 * covers several cases (ValidationException). The SDK's own errors before
 * any answer (no region, no credentials) get one-line facts naming what is missing.
 */
import type { ClassifyContext } from './classify-context.js';
import { makeFact } from './fact.js';
import { kindFromHttp } from './http.js';
import type { ErrorFact, ErrorKind } from './kinds.js';
import { retryAfterFromHeaders } from './retry-after.js';
import { errorClassName, isRecord, readNumber, readProperty, readString } from './shape.js';

const PROVIDER = 'bedrock';

/** Error names whose kind is fixed, whatever the status and message. */
const KIND_BY_NAME: Readonly<Record<string, ErrorKind>> = {
  ThrottlingException: 'rate_limit',
  ServiceQuotaExceededException: 'quota_exceeded',
  // The model is being loaded (custom and imported models): worth another try shortly.
  ModelNotReadyException: 'service_unavailable',
  // Bedrock has no capacity for the request right now: what Anthropic's 529 says.
  ServiceUnavailableException: 'overloaded',
  InternalServerException: 'service_unavailable',
  InternalFailure: 'service_unavailable',
  ModelErrorException: 'service_unavailable',
  ModelTimeoutException: 'timeout',
  AccessDeniedException: 'permission',
  ResourceNotFoundException: 'model_not_found',
  UnrecognizedClientException: 'authentication',
  InvalidSignatureException: 'authentication',
  IncompleteSignatureException: 'authentication',
  MissingAuthenticationTokenException: 'authentication',
  InvalidClientTokenId: 'authentication',
  SignatureDoesNotMatch: 'authentication',
  ExpiredTokenException: 'authentication',
  ExpiredToken: 'authentication',
  ConflictException: 'invalid_request',
};

/** The AWS SDK's own errors raised before a request is sent. */
const MISSING_REGION = /region is missing|expected `region` to be configured/i;
const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);

/** True for an error from an AWS SDK v3 client (a service error, or the SDK's own before any answer). */
export function isAwsShaped(error: unknown): boolean {
  if (!isRecord(error)) return false;
  if (isRecord(readProperty(error, '$metadata')) && (typeof readProperty(error, '$fault') === 'string' || readProperty(error, '$response') !== undefined)) return true;
  const name = errorClassName(error) ?? '';
  return CREDENTIAL_ERRORS.has(name) || (name === 'Error' && MISSING_REGION.test(readString(error, 'message') ?? ''));
}

/**
 * One-line fact for an SDK that could not start the call: kind
 * `authentication` (code `missing_credentials`) when no credential source gave
 * any, `invalid_request` (code `missing_region`) when no region is set.
 */
function setupFact(error: unknown, name: string | null): ErrorFact | null {
  const message = readString(error, 'message') ?? '';
  if (MISSING_REGION.test(message)) {
    return makeFact('invalid_request', {
      code: 'missing_region',
      message: 'AWS region is not set: give the provider a `region`, or set AWS_REGION',
      provider: PROVIDER,
      sdkError: name,
    });
  }
  if (name !== null && CREDENTIAL_ERRORS.has(name)) {
    return makeFact('authentication', {
      code: 'missing_credentials',
      message:
        'AWS credentials not found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or AWS_BEARER_TOKEN_BEDROCK (or run with an IAM role)',
      provider: PROVIDER,
      sdkError: name,
    });
  }
  return null;
}

/**
 * ModelStreamErrorException and ModelErrorException carry what the model
 * behind Bedrock answered (`originalStatusCode`, `originalMessage`): a 429 or
 * 529 there is the model's rate limit or overload, not a broken stream.
 */
function originalKind(error: unknown, fallback: ErrorKind): ErrorKind {
  const status = readNumber(error, 'originalStatusCode');
  if (status === undefined) return fallback;
  const kind = kindFromHttp({ status, codes: [], message: readString(error, 'originalMessage') ?? readString(error, 'message') ?? '' });
  return kind === 'invalid_request' || kind === 'unknown' ? fallback : kind;
}

/**
 * An ErrorFact for an `@aws-sdk/client-bedrock-runtime` error.
 *
 * @example
 * classifyBedrockError(throttlingException, {}).kind // 'rate_limit'
 */
export function classifyBedrockError(error: unknown, context: ClassifyContext): ErrorFact | null {
  const name = errorClassName(error);
  const setup = setupFact(error, name);
  if (setup !== null) return setup;
  const metadata = readProperty(error, '$metadata');
  const status = readNumber(metadata, 'httpStatusCode') ?? null;
  const response = readProperty(error, '$response');
  const headers = readProperty(response, 'headers');
  const message = readString(error, 'message') ?? '';
  // Not a service error at all (a body that did not parse or was cut, a network failure): for the other classifiers.
  const named = name !== null && (KIND_BY_NAME[name] !== undefined || name === 'ModelStreamErrorException' || name === 'ValidationException');
  if (name === null || (!named && (status === null || status < 400))) return null;
  let kind: ErrorKind;
  if (name === 'ModelStreamErrorException') kind = originalKind(error, 'stream_interrupted');
  else if (name === 'ModelErrorException') kind = originalKind(error, 'service_unavailable');
  else if (name === 'ValidationException') kind = kindFromHttp({ status: status ?? 400, codes: [], message });
  else kind = KIND_BY_NAME[name] ?? (readString(error, '$fault') === 'server' ? 'service_unavailable' : kindFromHttp({ status, codes: [name], message }));
  const requestId = readString(metadata, 'requestId');
  return makeFact(kind, {
    status,
    code: name,
    message,
    retryAfterMs: retryAfterFromHeaders(headers, context.now ?? Date.now()),
    provider: PROVIDER,
    sdkError: name,
    // Bedrock's limits are per model and region: another model is not held back by a ThrottlingException.
    ...(kind === 'rate_limit' ? { scope: 'model' as const } : {}),
    raw: { message, ...(requestId === undefined ? {} : { requestId }) },
  });
}
