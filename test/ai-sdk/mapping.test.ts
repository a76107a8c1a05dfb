/**
 * The pure mappings between detour's shapes and the AI SDK's language-model
 * spec: finish reasons, usage with cached and reasoning tokens, and the
 * prompt both ways (what the end-to-end tests cannot see one by one).
 */
import { describe, expect, it } from 'vitest';
import type { SharedV4Warning } from '@ai-sdk/provider';
import { fromAiSdkPrompt, toAiSdkPrompt } from '../../src/providers/ai-sdk/prompt.js';
import { fromAiSdkFinishReason, fromAiSdkUsage, toAiSdkFinishReason, toAiSdkUsage } from '../../src/providers/ai-sdk/result.js';
import { toDetourRequest } from '../../src/ai-sdk/callOptions.js';
import type { Message } from '../../src/providers/spec.js';

describe('finish reasons', () => {
  it('map both ways, the raw reason kept; interrupted is other', () => {
    expect(toAiSdkFinishReason({ unified: 'tool_calls', raw: 'tool_use' })).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(toAiSdkFinishReason({ unified: 'content_filter', raw: null })).toEqual({ unified: 'content-filter', raw: undefined });
    expect(fromAiSdkFinishReason({ unified: 'content-filter', raw: 'SAFETY' })).toEqual({ unified: 'content_filter', raw: 'SAFETY' });
    expect(fromAiSdkFinishReason({ unified: 'interrupted', raw: undefined })).toEqual({ unified: 'other', raw: 'interrupted' });
  });
});

describe('usage', () => {
  it('cached input and reasoning output tokens, both ways', () => {
    const usage = { inputTokens: 100, outputTokens: 40, cachedInputTokens: 60, reasoningTokens: 15 };
    const aiSdk = toAiSdkUsage(usage);
    expect(aiSdk).toEqual({ inputTokens: { total: 100, noCache: 40, cacheRead: 60, cacheWrite: undefined }, outputTokens: { total: 40, text: 25, reasoning: 15 } });
    expect(fromAiSdkUsage(aiSdk)).toEqual(usage);
    expect(fromAiSdkUsage({ inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 3, text: 3, reasoning: undefined } })).toEqual({ inputTokens: null, outputTokens: 3 });
  });
});

describe('prompt', () => {
  const messages: Message[] = [
    { role: 'system', content: 'Be brief' },
    { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', image: 'https://example.com/cat.png' }, { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' }] },
    { role: 'assistant', content: [{ type: 'reasoning', text: 'hm', signature: 'sig' }, { type: 'tool-call', id: 'c1', name: 'f', arguments: { a: 1 } }] },
    { role: 'tool', content: [{ type: 'tool-result', id: 'c1', name: 'f', result: { ok: true } }, { type: 'tool-result', id: 'c2', name: 'f', result: 'boom', isError: true }] },
  ];

  it("detour's messages as an AI SDK prompt: URLs stay URLs, ids kept, results typed", () => {
    expect(toAiSdkPrompt(messages)).toEqual([
      { role: 'system', content: 'Be brief' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'file', mediaType: 'image/png', data: { type: 'url', url: new URL('https://example.com/cat.png') } },
          { type: 'file', mediaType: 'application/pdf', filename: 'a.pdf', data: { type: 'data', data: 'JVBERi0=' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'hm' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: { a: 1 } }] },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'f', output: { type: 'json', value: { ok: true } } },
          { type: 'tool-result', toolCallId: 'c2', toolName: 'f', output: { type: 'error-text', value: 'boom' } },
        ],
      },
    ]);
  });

  it('and back; provider file references are dropped with a warning', () => {
    const warnings: SharedV4Warning[] = [];
    const back = fromAiSdkPrompt(
      [
        ...toAiSdkPrompt(messages),
        { role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', data: { type: 'reference', reference: { openai: 'file-1' } } }] },
      ],
      warnings,
    );
    expect(back[1]?.content).toEqual([
      { type: 'text', text: 'Look' },
      { type: 'image', image: 'https://example.com/cat.png', mediaType: 'image/png' },
      { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' },
    ]);
    expect(back[3]?.content).toEqual([
      { type: 'tool-result', id: 'c1', name: 'f', result: { ok: true }, isError: false },
      { type: 'tool-result', id: 'c2', name: 'f', result: 'boom', isError: true },
    ]);
    expect(back[4]?.content).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'file reference' })]);
  });
});

describe('call options', () => {
  const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'ping' }] }];

  it('x-detour-metadata-* headers are request facts, over the model\'s metadata and under providerOptions.detour', () => {
    const { request, warnings } = toDetourRequest(
      { prompt, headers: { 'X-Detour-Metadata-Tier': 'pro', 'x-detour-metadata-user-id': 'u-42', 'x-detour-metadata-region': 'us' }, providerOptions: { detour: { metadata: { region: 'eu' } } } },
      { policy: 'chat', metadata: { tier: 'free', team: 'search' } },
    );
    expect(request.metadata).toEqual({ tier: 'pro', team: 'search', user_id: 'u-42', region: 'eu' });
    expect(warnings).toEqual([]);
  });

  it('other headers are not sent to providers, and say so once', () => {
    const { request, warnings } = toDetourRequest({ prompt, headers: { 'x-trace': '1', 'user-agent': 'ai/7', 'x-detour-metadata-tier': 'pro' } }, { policy: 'chat' });
    expect(request.metadata).toEqual({ tier: 'pro' });
    expect(warnings.map((warning) => (warning.type === 'unsupported' ? warning.feature : warning.type))).toEqual(['headers']);
  });

  it('no metadata anywhere: none sent', () => {
    expect(toDetourRequest({ prompt }, { policy: 'chat' }).request.metadata).toBeUndefined();
  });
});
