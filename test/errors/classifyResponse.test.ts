import { describe, expect, it } from 'vitest';
import { classifyResponse } from '../../src/errors/classify.js';
import type { ErrorKind } from '../../src/errors/kinds.js';

describe('classifyResponse: 200 responses that were filtered or cut short', () => {
  it.each([
    ['openai', 'content_filter', null, 'content_filter'],
    ['openai', 'length', null, 'token_limit'],
    ['openai', 'stop', null, null],
    ['openai', 'tool_calls', null, null],
    ['openai_compatible', 'content_filter', null, 'content_filter'],
    ['anthropic', 'refusal', null, 'content_filter'],
    ['anthropic', 'max_tokens', null, 'token_limit'],
    ['anthropic', 'model_context_window_exceeded', null, 'token_limit'],
    ['anthropic', 'end_turn', null, null],
    ['anthropic', 'stop_sequence', null, null],
    ['google', 'SAFETY', null, 'content_filter'],
    ['google', 'RECITATION', null, 'content_filter'],
    ['google', 'BLOCKLIST', null, 'content_filter'],
    ['google', 'PROHIBITED_CONTENT', null, 'content_filter'],
    ['google', 'SPII', null, 'content_filter'],
    ['google', 'MAX_TOKENS', null, 'token_limit'],
    ['google', 'STOP', null, null],
    ['google', null, 'SAFETY', 'content_filter'],
    ['google', null, 'PROHIBITED_CONTENT', 'content_filter'],
    ['google', 'STOP', 'BLOCK_REASON_UNSPECIFIED', null],
    ['google', null, null, null],
  ] as const)('%s finish %s, block %s → %s', (provider, finishReasonRaw, blockReason, kind: ErrorKind | null) => {
    const fact = classifyResponse(provider, { finishReasonRaw, blockReason, text: 'partial' });
    if (kind === null) {
      expect(fact).toBeNull();
      return;
    }
    expect(fact).toMatchObject({ kind, status: null, provider, code: blockReason ?? finishReasonRaw, retryable: false });
    expect(fact?.message).not.toContain('partial');
  });

  it('never throws on odd input', () => {
    expect(classifyResponse('openai', { finishReasonRaw: 42 as unknown as string })).toBeNull();
    expect(classifyResponse('openai', null as unknown as { finishReasonRaw: null })).toBeNull();
  });
});
