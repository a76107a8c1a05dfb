/**
 * Bedrock's errors, served over real HTTP by a local server and thrown by the
 * real `@aws-sdk/client-bedrock-runtime`, classify to the expected kind:
 * every documented fault of the catalog, the errors beyond it (the model
 * loading, expired keys, token-count wording), and the exception events
 * ConverseStream sends once a stream has started.
 */
import * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerErrorResponse, FAULT_NAMES, type FaultName } from '../../src/errors/catalog.js';
import { classifyError } from '../../src/errors/classify.js';
import type { ErrorKind } from '../../src/errors/kinds.js';
import { createBedrockClient } from '../../src/providers/bedrock/create-bedrock-client.js';
import { eventMessage, exceptionMessage } from '../../src/simulator/eventStream.js';
import { startLocalServer, type LocalServer } from './support/localServer.js';

type Row = readonly [name: string, kind: ErrorKind, status: number, errorType: string, message: string];

const CATALOG: Readonly<Record<FaultName, readonly [kind: ErrorKind, status: number, code: string]>> = {
  rate_limit: ['rate_limit', 429, 'ThrottlingException'],
  quota: ['quota_exceeded', 400, 'ServiceQuotaExceededException'],
  server_error: ['service_unavailable', 500, 'InternalServerException'],
  bad_gateway: ['service_unavailable', 424, 'ModelErrorException'],
  service_unavailable: ['overloaded', 503, 'ServiceUnavailableException'],
  overloaded: ['overloaded', 503, 'ServiceUnavailableException'],
  gateway_timeout: ['timeout', 408, 'ModelTimeoutException'],
  request_timeout: ['timeout', 408, 'ModelTimeoutException'],
  unauthorized: ['authentication', 403, 'UnrecognizedClientException'],
  forbidden: ['permission', 403, 'AccessDeniedException'],
  not_found: ['model_not_found', 404, 'ResourceNotFoundException'],
  context_length: ['token_limit', 400, 'ValidationException'],
  content_filter: ['content_filter', 400, 'ValidationException'],
  bad_request: ['invalid_request', 400, 'ValidationException'],
  unprocessable: ['invalid_request', 400, 'ValidationException'],
};

/** Errors beyond the catalog, as Bedrock words them. */
const MORE: readonly Row[] = [
  ['throttled on tokens', 'rate_limit', 429, 'ThrottlingException', 'Too many tokens, please wait before trying again.'],
  ['model loading', 'service_unavailable', 429, 'ModelNotReadyException', 'Model is not ready to serve inference requests. The model may be loading; try again later.'],
  ['expired session token', 'authentication', 403, 'ExpiredTokenException', 'The security token included in the request is expired'],
  ['bad signature', 'authentication', 403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.'],
  ['too many input tokens', 'token_limit', 400, 'ValidationException', 'The model returned the following errors: Input is too long for requested model.'],
  ['prompt too long (Claude)', 'token_limit', 400, 'ValidationException', 'The model returned the following errors: prompt is too long: 212345 tokens > 200000 maximum'],
  ['unknown model id', 'model_not_found', 400, 'ValidationException', 'The provided model identifier is invalid.'],
  ['on-demand not supported', 'invalid_request', 400, 'ValidationException', "Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."],
  ['internal failure', 'service_unavailable', 500, 'InternalServerException', 'The server encountered an internal error while processing the request.'],
  ['conflict', 'invalid_request', 400, 'ConflictException', 'The request could not be completed due to a conflict.'],
];

/** Exception events inside a started stream: [member, payload, kind]. */
const STREAM_EXCEPTIONS: readonly (readonly [member: string, payload: Record<string, unknown>, kind: ErrorKind])[] = [
  ['throttlingException', { message: 'Too many tokens, please wait before trying again.' }, 'rate_limit'],
  ['serviceUnavailableException', { message: 'Bedrock is unable to process your request.' }, 'overloaded'],
  ['internalServerException', { message: 'An internal server error occurred.' }, 'service_unavailable'],
  ['modelStreamErrorException', { message: 'The model stream failed.', originalStatusCode: 529, originalMessage: 'Overloaded' }, 'overloaded'],
  ['modelStreamErrorException', { message: 'Received a malformed chunk from the model.' }, 'stream_interrupted'],
  ['validationException', { message: 'Input is too long for requested model.' }, 'token_limit'],
];

let server: LocalServer;
let url = '';

beforeAll(async () => {
  server = await startLocalServer((request, response) => {
    const [, route = '', first = '', second = ''] = (request.url ?? '').split('/');
    if (route === 'case') {
      const documented = providerErrorResponse('bedrock', first as FaultName);
      response.writeHead(documented.status, { 'content-type': 'application/json', ...documented.headers });
      response.end(JSON.stringify(documented.body));
    } else if (route === 'more') {
      const [, , status, errorType, message] = MORE[Number(first)]!;
      response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'rid-1' });
      response.end(JSON.stringify({ message }));
    } else {
      const [member, payload] = STREAM_EXCEPTIONS[Number(second)]!;
      response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'rid-2' });
      response.write(eventMessage('messageStart', { role: 'assistant' }));
      response.write(eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } }));
      response.end(exceptionMessage(member, JSON.stringify(payload)));
    }
  });
  url = server.url;
});
afterAll(() => server.close());

function client(path: string): BedrockSdk.BedrockRuntimeClient {
  return createBedrockClient(BedrockSdk, {
    region: 'us-east-1',
    profile: null,
    endpoint: `${url}${path}`,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example-secret' },
    bearerToken: null,
    timeoutMs: null,
    fetch: null,
    headers: {},
  });
}

const input = { modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', messages: [{ role: 'user' as const, content: [{ text: 'hi' }] }] };

async function thrown(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (value) => {
      throw new Error(`expected a throw, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('bedrock: documented errors thrown by the real SDK', () => {
  it.each(FAULT_NAMES)('%s', async (fault) => {
    const [kind, status, code] = CATALOG[fault];
    const error = await thrown(client(`/case/${fault}`).send(new BedrockSdk.ConverseCommand(input)));
    const fact = classifyError(error, { provider: 'bedrock' });
    expect({ kind: fact.kind, status: fact.status, code: fact.code, retryAfterMs: fact.retryAfterMs, provider: fact.provider, sdkError: fact.sdkError }).toEqual({
      kind,
      status,
      code,
      retryAfterMs: null,
      provider: 'bedrock',
      sdkError: code,
    });
    expect(fact.message.length).toBeGreaterThan(0);
    // The SDK's error shape is enough without the provider hint.
    expect(classifyError(error).kind).toBe(kind);
  });
});

describe('bedrock: errors beyond the catalog', () => {
  it.each(MORE.map((row, index) => [...row, index] as const))('%s → %s', async (_name, kind, status, errorType, _message, index) => {
    const error = await thrown(client(`/more/${index}`).send(new BedrockSdk.ConverseCommand(input)));
    expect(classifyError(error, { provider: 'bedrock' })).toMatchObject({ kind, status, code: errorType });
  });
});

describe('bedrock: exception events after the stream started', () => {
  it.each(STREAM_EXCEPTIONS.map((row, index) => [row[0], row[2], index] as const))('%s → %s', async (_member, kind, index) => {
    const output = await client(`/stream/x/${index}`).send(new BedrockSdk.ConverseStreamCommand(input));
    const seen: unknown[] = [];
    const error = await thrown(
      (async () => {
        for await (const event of output.stream!) seen.push(event);
      })(),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(classifyError(error, { provider: 'bedrock', duringStream: true }).kind).toBe(kind);
  });
});
