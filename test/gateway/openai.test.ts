/**
 * The real `openai` client against `detour serve`'s Chat Completions endpoint.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { requestsTo } from '../executor/simulated.js';
import { gatewayFixture, type GatewayFixture } from './support.js';

let fixture: GatewayFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

const messages = [{ role: 'user' as const, content: 'Hello gateway' }];

describe('POST /v1/chat/completions with the openai client', () => {
  it('answers a request through the policy, with the session in headers', async () => {
    fixture = await gatewayFixture();
    const { data, response } = await fixture.openai().chat.completions.create({ model: 'default', messages }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('[gpt-a] reply to: Hello gateway');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.model).toBe('a');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-detour-model')).toBe('a');
    expect(response.headers.get('x-detour-attempts')).toBe('1');
    expect(response.headers.get('x-detour-session')).toMatch(/^\d+$/);
    expect(fixture.log).toMatchObject([{ method: 'POST', path: '/v1/chat/completions', status: 200, policy: 'default', model: 'a', attempts: 1, stream: false }]);
  });

  it('streams chunks, then a usage chunk with stream_options.include_usage, then ends; the headers name the session', async () => {
    fixture = await gatewayFixture();
    const { data: stream, response } = await fixture.openai().chat.completions.create({ model: 'default', messages, stream: true, stream_options: { include_usage: true } }).withResponse();
    // Known when the stream starts: the same number as the session's history record and the access log.
    const session = Number(response.headers.get('x-detour-session'));
    expect(response.headers.get('x-detour-policy')).toBe('default');
    expect(response.headers.get('x-detour-model')).toBe('a');
    let text = '';
    const finishReasons: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('[gpt-a] reply to: Hello gateway');
    expect(finishReasons).toEqual(['stop']);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(fixture.log[0]).toMatchObject({ status: 200, stream: true, model: 'a', session });
    expect(fixture.executor.history().map((record) => record.id)).toEqual([session]);
  });

  it('falls back during an outage: the primary is down, the next model answers', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { faults: [{ type: 'service_unavailable' }] } } } });
    const { data, response } = await fixture.openai().chat.completions.create({ model: 'default', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('[claude-b] reply to: Hello gateway');
    expect(response.headers.get('x-detour-model')).toBe('b');
    expect(response.headers.get('x-detour-attempts')).toBe('2');
    const stream = await fixture.openai().chat.completions.create({ model: 'default', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('[claude-b] reply to: Hello gateway');
  });

  it('starts with a catalog model when the model names policy/model', async () => {
    fixture = await gatewayFixture();
    const answer = await fixture.openai().chat.completions.create({ model: 'default/c', messages });
    expect(answer.choices[0]?.message.content).toBe('[gemini-c] reply to: Hello gateway');
  });

  it('maps the last error kind to the status, with the attempts in the error body', async () => {
    fixture = await gatewayFixture({ scenario: { models: { '*': { faults: [{ type: 'rate_limit', retry_after: '3s' }] } } } });
    const error = await fixture.openai().chat.completions.create({ model: 'default', messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.headers.get('retry-after')).toBe('3');
    expect(apiError.headers.get('x-detour-attempts')).toBe('3');
    expect(apiError.headers.get('x-detour-session')).toMatch(/^\d+$/);
    const body = apiError.error as { type: string; code: string; detour: { reason: string; attempts: { model: string; kind: string; status: number }[] } };
    expect(body.type).toBe('rate_limit_error');
    expect(body.code).toBe('rate_limit');
    expect(body.detour.reason).toBe('exhausted');
    expect(body.detour.attempts.map((attempt) => [attempt.model, attempt.kind, attempt.status])).toEqual([
      ['a', 'rate_limit', 429],
      ['b', 'rate_limit', 429],
      ['c', 'rate_limit', 429],
    ]);
    expect(fixture.log[0]).toMatchObject({ status: 429, error: 'rate_limit', attempts: 3 });
  });

  it('maps a request every model refuses to 400, and a stream that fails before its first chunk to a plain error status', async () => {
    fixture = await gatewayFixture({
      scenario: { models: { 'gpt-a': { faults: [{ type: 'bad_request' }] }, '*': { faults: [{ type: 'service_unavailable' }] } } },
    });
    const refused = await fixture.openai().chat.completions.create({ model: 'default', messages }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    const failed = await fixture
      .openai()
      .chat.completions.create({ model: 'default/b', messages, stream: true })
      .catch((caught: unknown) => caught);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
  });

  it('ends a stream that breaks after its first chunk with an error event the client raises', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { chunks: 4, faults: [{ type: 'cut_stream', after_chunks: 2 }] } } } });
    const stream = await fixture.openai().chat.completions.create({ model: 'default', messages, stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/stream/i);
    expect(requestsTo(fixture.sim, 'claude-b')).toBe(0);
  });

  it('refuses an unknown policy with 404 and a bad body with 400, calling no provider', async () => {
    fixture = await gatewayFixture();
    const unknown = await fixture.openai().chat.completions.create({ model: 'nope', messages }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).message).toContain('known policies: default');
    const bad = await fixture.openai().chat.completions.create({ model: 'default', messages: [] }).catch((caught: unknown) => caught);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(fixture.sim.counts().requests).toBe(0);
  });

  it('lists the policies and their models at GET /v1/models', async () => {
    fixture = await gatewayFixture();
    const ids: string[] = [];
    for await (const model of fixture.openai().models.list()) ids.push(model.id);
    expect(ids).toEqual(['default', 'default/a', 'default/a2', 'default/b', 'default/c']);
  });
});
