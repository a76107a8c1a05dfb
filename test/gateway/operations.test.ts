/**
 * Keys, limits, aborts, health and drain, with the real clients over real HTTP.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayKeys } from '../../src/gateway/GatewayKeys.js';
import { requestsTo } from '../executor/simulated.js';
import { gatewayFixture, type GatewayFixture } from './support.js';

let fixture: GatewayFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

const messages = [{ role: 'user' as const, content: 'Hello gateway' }];

describe('gateway keys', () => {
  const keys = (): GatewayKeys =>
    GatewayKeys.parse(`# team keys\n${GatewayKeys.hash('sk-team-a')} name=team-a\nsk-limited name=limited policies=other rate=1/m\nsk-other policies=other\n`);

  it('refuses a request without a key or with a wrong one, and serves the right one (Bearer and x-api-key)', async () => {
    fixture = await gatewayFixture({ gateway: { keys: keys() } });
    // The SDKs will not send a request without a key: a plain one does.
    const missing = await fetch(`${fixture.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'default', messages }) });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { type: 'authentication_error', message: expect.stringContaining('Authorization: Bearer') } });
    const wrongBearer = await fixture.openai('sk-wrong').chat.completions.create({ model: 'default', messages }).catch((caught: unknown) => caught);
    expect(wrongBearer).toBeInstanceOf(OpenAI.AuthenticationError);
    const wrong = await fixture.anthropic('sk-wrong').messages.create({ model: 'default', max_tokens: 9, messages }).catch((caught: unknown) => caught);
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(fixture.sim.counts().requests).toBe(0);
    const answer = await fixture.openai('sk-team-a').chat.completions.create({ model: 'default', messages });
    expect(answer.choices[0]?.message.content).toContain('reply to');
    const viaApiKey = await fixture.anthropic('sk-team-a').messages.create({ model: 'default', max_tokens: 9, messages });
    expect(viaApiKey.content).toHaveLength(1);
    expect(fixture.log.map((entry) => [entry.status, entry.key])).toEqual([
      [401, null],
      [401, null],
      [401, null],
      [200, 'team-a'],
      [200, 'team-a'],
    ]);
  });

  it('holds a key to its policies and its rate', async () => {
    fixture = await gatewayFixture({ gateway: { keys: keys() } });
    const forbidden = await fixture.openai('sk-limited').chat.completions.create({ model: 'default', messages }).catch((caught: unknown) => caught);
    expect(forbidden).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const limited = await fixture.openai('sk-limited').chat.completions.create({ model: 'default', messages }).catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('60');
    const listed = await fetch(`${fixture.url}/v1/models`, { headers: { authorization: 'Bearer sk-other' } });
    expect(await listed.json()).toEqual({ object: 'list', data: [] });
    expect(fixture.sim.counts().requests).toBe(0);
  });

  it('keeps keys and content out of the access log', async () => {
    fixture = await gatewayFixture({ gateway: { keys: keys() } });
    await fixture.openai('sk-team-a').chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'secret plans' }] });
    const line = JSON.stringify(fixture.log);
    expect(line).not.toContain('sk-team-a');
    expect(line).not.toContain('secret plans');
  });

  it('parses keys from the environment and rejects bad entries with their position', () => {
    expect(GatewayKeys.fromEnv({ DETOUR_GATEWAY_KEYS: 'one,two' }).size).toBe(2);
    expect(GatewayKeys.fromEnv({}).size).toBe(0);
    expect(() => GatewayKeys.parse('sk-a rate=fast', 'keys.txt')).toThrow('keys.txt:1: rate takes N/s or N/m');
    expect(() => GatewayKeys.parse('\nsha256:abc', 'keys.txt')).toThrow('keys.txt:2: sha256: takes 64 hex digits');
  });

  it('listens on loopback only, and says so, when no keys are set', async () => {
    fixture = await gatewayFixture();
    const other = (await import('../../src/gateway/createGateway.js')).createGateway({ executor: fixture.executor });
    const address = await other.listen({ port: 0, host: '0.0.0.0' });
    expect(address.host).toBe('127.0.0.1');
    expect(address.notice).toContain('loopback only');
    await other.close();
  });
});

describe('limits', () => {
  it('refuses a body over the limit with 413, calling no provider', async () => {
    fixture = await gatewayFixture({ gateway: { maxBodyBytes: 2_000 } });
    const error = await fixture
      .openai()
      .chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'x'.repeat(5_000) }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect(fixture.sim.counts().requests).toBe(0);
    const small = await fixture.openai().chat.completions.create({ model: 'default', messages });
    expect(small.choices).toHaveLength(1);
  });

  it('closes the upstream call when the client aborts', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { faults: [{ type: 'hang' }] } } } });
    const controller = new AbortController();
    const pending = fixture.openai().chat.completions.create({ model: 'default', messages }, { signal: controller.signal }).catch((caught: unknown) => caught);
    const sim = fixture.sim;
    await vi.waitFor(() => expect(requestsTo(sim, 'gpt-a')).toBe(1), { timeout: 10_000, interval: 5 });
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1), { timeout: 10_000, interval: 5 });
    const log = fixture.log;
    await vi.waitFor(() => expect(log).toMatchObject([{ status: 499 }]), { timeout: 10_000, interval: 5 });
    expect(requestsTo(sim, 'claude-b')).toBe(0);
  });

  it('aborts a request past the request timeout with 504 and closes the upstream call', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { faults: [{ type: 'hang' }] } } }, gateway: { requestTimeout: 200 } });
    const error = await fixture.openai().chat.completions.create({ model: 'default', messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    const sim = fixture.sim;
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1), { timeout: 10_000, interval: 5 });
  });
});

describe('health and drain', () => {
  it('answers /healthz and /readyz without a key', async () => {
    fixture = await gatewayFixture({ gateway: { keys: GatewayKeys.parse('sk-a') } });
    const health = await fetch(`${fixture.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${fixture.url}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', policies: 1 });
  });

  it('drains: refuses new requests, finishes the stream in flight, then closes', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { chunks: 6, chunk_latency: '40ms' } } } });
    const stream = await fixture.openai().chat.completions.create({ model: 'default', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    let text = (await iterator.next()).value?.choices[0]?.delta.content ?? '';
    expect(fixture.gateway.inFlight).toBe(1);
    const closing = fixture.gateway.close({ drainTimeout: 30_000 });
    const refused = await fetch(`${fixture.url}/v1/chat/completions`, { method: 'POST', body: '{}' }).then(
      (response) => response.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(refused);
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) text += next.value.choices[0]?.delta.content ?? '';
    expect(text).toBe('[gpt-a] reply to: Hello gateway');
    await closing;
    expect(fixture.gateway.inFlight).toBe(0);
    expect(fixture.log).toMatchObject([{ status: 200, stream: true }]);
  });

  it('aborts what is still running at the drain timeout; the stream ends with an error event', async () => {
    fixture = await gatewayFixture({ scenario: { models: { 'gpt-a': { chunks: 4, faults: [{ type: 'hang', after_chunks: 1 }] } } } });
    const stream = await fixture.openai().chat.completions.create({ model: 'default', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await fixture.gateway.close({ drainTimeout: 50 });
    const error = await (async () => {
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next());
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('shut down');
    const sim = fixture.sim;
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1), { timeout: 10_000, interval: 5 });
  });
});
