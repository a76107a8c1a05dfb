/**
 * The facts for what the Stainless-built SDKs (`openai`, `@anthropic-ai/sdk`)
 * throw before any HTTP answer: the caller's abort (`APIUserAbortError`),
 * their own timeout (`APIConnectionTimeoutError`) and a failed connection
 * (`APIConnectionError`, whose `cause` holds the network error). Each SDK's
 * mapper decides which one it has; the facts are built here, alike for both.
 */
import type { ClassifyContext } from './classify-context.js';
import { makeFact } from './fact.js';
import type { ErrorFact } from './kinds.js';
import { classifyNetworkError } from './network.js';
import { readProperty, readString } from './shape.js';

/**
 * Kind `aborted`, with the SDK's message.
 *
 * @example
 * abortedFact(new APIUserAbortError(), 'openai', 'APIUserAbortError').kind // 'aborted'
 */
export function abortedFact(error: unknown, provider: string, sdkError: string | null): ErrorFact {
  return makeFact('aborted', { message: readString(error, 'message') ?? 'Request was aborted.', provider, sdkError });
}

/**
 * Kind `timeout`, with the SDK's message.
 *
 * @example
 * timedOutFact(new APIConnectionTimeoutError(), 'anthropic', 'APIConnectionTimeoutError').kind // 'timeout'
 */
export function timedOutFact(error: unknown, provider: string, sdkError: string | null): ErrorFact {
  return makeFact('timeout', { message: readString(error, 'message') ?? 'Request timed out.', provider, sdkError });
}

/**
 * What the network error behind a connection error says (`connection`,
 * `timeout`, …, with its code), else kind `connection`.
 *
 * @example
 * connectionFact(new APIConnectionError({ cause }), {}, 'openai', 'APIConnectionError').code // 'ECONNREFUSED'
 */
export function connectionFact(error: unknown, context: ClassifyContext, provider: string, sdkError: string | null): ErrorFact {
  const network = classifyNetworkError(readProperty(error, 'cause') ?? error, context);
  return makeFact(network?.kind ?? 'connection', {
    code: network?.code ?? null,
    message: readString(error, 'message') ?? network?.message ?? 'Connection error.',
    provider,
    sdkError,
  });
}
