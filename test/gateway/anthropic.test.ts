/**
 * The real `@anthropic-ai/sdk` client against `detour serve`'s Messages endpoint.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayFixture, type GatewayFixture } from './support.js';

let fixture: GatewayFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

const messages = [{ role: 'user' as const, content: 'Hello gateway' }];

describe('POST /v1/messages with the Anthropic client', () => {
  it('answers through the policy with a system prompt', async () => {
    fixture = await gatewayFixture();
    const { data, response } = await fixture
      .anthropic()
      .messages.create({ model: 'default', max_tokens: 256, system: 'Be brief.', messages })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.content).toEqual([{ type: 'text', text: '[gpt-a] reply to: Hello gateway' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-detour-model')).toBe('a');
  });

  it('streams message events the client assembles', async () => {
    fixture = await gatewayFixture();
    const stream = fixture.anthropic().messages.stream({ model: 'default/b', max_tokens: 256, messages });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('[claude-b] reply to: Hello gateway');
    expect(final.content).toEqual([{ type: 'text', text: '[claude-b] reply to: Hello gateway' }]);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('falls back during an outage, streamed and not', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { faults: [{ type: 'overloaded' }] } } } });
    const answer = await fixture.anthropic().messages.create({ model: 'default', max_tokens: 64, messages });
    expect(answer.content).toEqual([{ type: 'text', text: '[claude-b] reply to: Hello gateway' }]);
    const stream = fixture.anthropic().messages.stream({ model: 'default', max_tokens: 64, messages });
    expect(await stream.finalText()).toBe('[claude-b] reply to: Hello gateway');
    // The stream's headers name its session (the second one here) and the model that answered.
    const { response } = await stream.withResponse();
    expect(response.headers.get('x-detour-session')).toBe(String(fixture.executor.history().at(-1)!.id));
    expect(response.headers.get('x-detour-model')).toBe('b');
    expect(fixture.executor.history().map((record) => record.id)).toEqual([1, 2]);
  });

  it('maps an overloaded session to 529 for Anthropic clients, with the attempts', async () => {
    fixture = await gatewayFixture({ scenario: { models: { '*': { faults: [{ type: 'overloaded' }] } } } });
    const error = await fixture.anthropic().messages.create({ model: 'default', max_tokens: 64, messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    const body = apiError.error as { type: string; error: { type: string; detour: { attempts: { kind: string }[] } } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('overloaded_error');
    expect(body.error.detour.attempts.map((attempt) => attempt.kind)).toEqual(['overloaded', 'overloaded', 'overloaded']);
  });

  it('ends a stream broken after its first chunk with an error event', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { chunks: 4, faults: [{ type: 'cut_stream', after_chunks: 2 }] } } } });
    const error = await fixture
      .anthropic()
      .messages.stream({ model: 'default', max_tokens: 64, messages })
      .finalMessage()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
  });

  it('lists models in the Anthropic shape', async () => {
    fixture = await gatewayFixture();
    const ids: string[] = [];
    for await (const model of fixture.anthropic().models.list()) ids.push(model.id);
    expect(ids).toContain('default/b');
  });
});
