/** Typical inputs for driving the hooks the way the executor does. */
import { ERROR_TYPES, type ErrorFact, type ErrorKind } from '../../src/errors/kinds.js';
import type { GenerateResponse } from '../../src/providers/spec.js';
import type { AttemptStartInfo, SessionStartInfo } from '../../src/telemetry/hooks.js';

export const sessionInfo: SessionStartInfo = {
  policy: 'default',
  policyVersion: 'v3',
  strategy: 'sequential',
  requestModel: null,
  stream: false,
};

export function attemptInfo(overrides: Partial<AttemptStartInfo> = {}): AttemptStartInfo {
  return {
    model: 'gpt-4o',
    modelId: 'gpt-4o',
    provider: 'openai',
    providerType: 'openai',
    serverAddress: '127.0.0.1',
    serverPort: 4010,
    number: 1,
    reason: 'primary',
    hedged: false,
    ...overrides,
  };
}

/** A text answer; `content` follows an overridden `text` unless given too. */
export function response(overrides: Partial<GenerateResponse> = {}): GenerateResponse {
  const text = overrides.text ?? 'Hello there';
  return {
    text,
    content: [{ type: 'text', text }],
    toolCalls: [],
    reasoning: null,
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 12, outputTokens: 3 },
    responseModel: 'gpt-4o-2024-08-06',
    responseId: 'chatcmpl-1',
    ...overrides,
  };
}

export function fact(kind: ErrorKind, message: string, overrides: Partial<ErrorFact> = {}): ErrorFact {
  return {
    kind,
    type: ERROR_TYPES[kind],
    status: kind === 'rate_limit' ? 429 : null,
    code: null,
    message,
    retryAfterMs: null,
    retryable: true,
    provider: 'openai',
    sdkError: 'RateLimitError',
    ...overrides,
  };
}

