/**
 * Turns anything an SDK, fetch, or the caller threw into an ErrorFact
 * (the error kinds in README.md). One mapper per SDK (`openai.ts`, `anthropic.ts`, `google.ts`, `bedrock.ts`),
 * one for the network (`network.ts`); they all end in `kindFromHttp`.
 */
import { classifyAiSdkError } from './ai-sdk.js';
import { classifyAnthropicError, isAnthropicShaped } from './anthropic.js';
import { classifyBedrockError, isAwsShaped } from './bedrock.js';
import type { ClassifyContext } from './classify-context.js';
import { makeFact } from './fact.js';
import { classifyGoogleError, isGoogleShaped, missingGoogleCredentialsFact } from './google.js';
import { kindFromHttp } from './http.js';
import type { ErrorFact } from './kinds.js';
import { classifyNetworkError } from './network.js';
import { classifyOpenAIError, isOpenAIShaped, openaiErrorName } from './openai.js';
import { ProviderCallError } from './ProviderCallError.js';
import { withKnownSecrets } from './redact.js';
import { retryAfterFromHeaders } from './retry-after.js';
import { errorClassName, isRecord, readCode, readNumber, readProperty, readString } from './shape.js';

export type { ClassifyContext } from './classify-context.js';
export { classifyResponse, type ResponseOutcome } from './response.js';

function providerLabel(context: ClassifyContext, fallback: string | null): string | null {
  return context.provider ?? fallback;
}

/** The fact from the classifier of the SDK `context.provider` names, when the error has that SDK's shape; else null. */
function nativeFact(error: unknown, context: ClassifyContext): ErrorFact | null {
  switch (context.provider) {
    case 'openai':
    case 'openai_compatible':
    case 'azure_openai':
    {
      // An error of the `openai` SDK itself needs no shape test (nor the test that it is no Anthropic error).
      const sdkError = openaiErrorName(error);
      if (sdkError !== null) return classifyOpenAIError(error, context, context.provider, sdkError);
      return isOpenAIShaped(error) && !isAnthropicShaped(error) ? classifyOpenAIError(error, context, context.provider) : null;
    }
    case 'anthropic':
      return isAnthropicShaped(error) ? classifyAnthropicError(error, context) : null;
    default:
      return null;
  }
}

/**
 * The fact, free of the context's known secrets: the `openai` and `@anthropic-ai/sdk` classifiers scrub
 * them themselves (so that an identical error's fact can be the same object again), the rest here.
 */
function classifyUnsafe(error: unknown, context: ClassifyContext): ErrorFact {
  // Its fact may be shared by identical errors: scrubbed in a copy.
  if (ProviderCallError.isInstance(error)) return withKnownSecrets(error.fact, context.secrets, true);
  if (context.aborted === true || context.timedOut === true) {
    const message = messageOf(error);
    const sdkError = errorClassName(error);
    const fact =
      context.aborted === true
        ? makeFact('aborted', { message: message || 'The caller aborted the request.', provider: providerLabel(context, null), sdkError })
        : makeFact('timeout', { message: message || 'The attempt timed out.', provider: providerLabel(context, null), sdkError });
    return withKnownSecrets(fact, context.secrets);
  }

  // The adapter that caught it names the SDK: its classifier first, the other SDKs' shape tests skipped.
  const native = nativeFact(error, context);
  if (native !== null) return native;
  const early = beforeSdkShapes(error, context);
  if (early !== null) return withKnownSecrets(early, context.secrets);
  if (isAnthropicShaped(error) || (context.provider === 'anthropic' && readProperty(error, 'headers') !== undefined)) {
    return classifyAnthropicError(error, context);
  }
  if (isOpenAIShaped(error)) {
    return classifyOpenAIError(error, context, providerLabel(context, 'openai') ?? 'openai');
  }
  return withKnownSecrets(afterSdkShapes(error, context), context.secrets);
}

/** What is told apart before the `openai` and `@anthropic-ai/sdk` shapes: Vertex AI's credentials, the AI SDK's errors, AWS's. */
function beforeSdkShapes(error: unknown, context: ClassifyContext): ErrorFact | null {
  if (context.provider === 'vertex') {
    const credentials = missingGoogleCredentialsFact(error, 'vertex');
    if (credentials !== null) return credentials;
  }
  const aiSdk = classifyAiSdkError(error, context, providerLabel(context, 'ai_sdk') ?? 'ai_sdk');
  if (aiSdk !== null) return aiSdk;
  if (context.provider === 'bedrock' || isAwsShaped(error)) return classifyBedrockError(error, context);
  return null;
}

/** What is no SDK error detour knows by class: Google's, the network's, any other HTTP error, anything else. */
function afterSdkShapes(error: unknown, context: ClassifyContext): ErrorFact {
  const sdkName = errorClassName(error);
  const message = messageOf(error);
  if (isGoogleShaped(error)) {
    const google = classifyGoogleError(error, context);
    if (google !== null) return { ...google, provider: providerLabel(context, 'google') };
  }

  const network = classifyNetworkError(error, context);
  if (network !== null) {
    return makeFact(network.kind, {
      code: network.code,
      message: network.message,
      provider: providerLabel(context, null),
      sdkError: network.sdkError,
    });
  }

  // Anything else with an HTTP status: a fetch wrapper, another SDK, a hand-made error.
  const status = readNumber(error, 'status') ?? readNumber(error, 'statusCode') ?? null;
  if (status !== null && status >= 400) {
    const body = readProperty(error, 'error') ?? readProperty(error, 'body');
    const inner = isRecord(readProperty(body, 'error')) ? readProperty(body, 'error') : body;
    const code = readCode(inner, 'code') ?? readCode(error, 'code');
    const type = readString(inner, 'type') ?? readString(inner, 'status');
    const providerMessage = readString(inner, 'message') ?? message;
    return makeFact(kindFromHttp({ status, codes: [code, type].filter((value): value is string => value !== undefined), message: providerMessage }), {
      status,
      code: code ?? type ?? null,
      message: providerMessage,
      retryAfterMs: retryAfterFromHeaders(readProperty(error, 'headers'), context.now ?? Date.now()),
      headers: readProperty(error, 'headers'),
      provider: providerLabel(context, null),
      sdkError: sdkName,
      raw: body,
    });
  }

  return makeFact('unknown', {
    code: readCode(error, 'code') ?? null,
    message: message || describe(error),
    provider: providerLabel(context, null),
    sdkError: sdkName,
  });
}

function messageOf(error: unknown): string {
  return typeof error === 'string' ? error : (readString(error, 'message') ?? '');
}

function describe(error: unknown): string {
  if (error === null || error === undefined) return `Non-error thrown: ${String(error)}`;
  if (typeof error !== 'object') return `Non-error thrown: ${String(error)}`;
  return 'Unknown error';
}

/**
 * Turn anything an SDK or fetch threw into an ErrorFact. Never throws.
 *
 * @example
 * try { await client.chat.completions.create(request) }
 * catch (error) {
 *   const fact = classifyError(error, { provider: 'openai', aborted: signal.aborted })
 *   if (fact.kind === 'rate_limit') console.log('wait', fact.retryAfterMs)
 * }
 */
export function classifyError(error: unknown, context: ClassifyContext = {}): ErrorFact {
  try {
    return classifyUnsafe(error, context);
  } catch {
    return makeFact('unknown', { message: 'Unclassifiable error', provider: context.provider ?? null });
  }
}
