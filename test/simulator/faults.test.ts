import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerErrorResponse } from '../../src/errors/catalog.js';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';
import { DOCUMENTED_FAULTS, WIRE_FAULTS } from '../../src/simulator/scenarioTypes.js';
import { azureClient } from './clients.js';
import { callThrough, PROTOCOLS } from './outcome.js';

let simulator: Simulator;

/** One model per fault: `fault-rate_limit`, `fault-cut_stream`, … */
const models: Record<string, unknown> = { '*': { chunks: 4 } };
for (const type of [...DOCUMENTED_FAULTS, ...WIRE_FAULTS]) {
  models[`fault-${type}`] = { chunks: 4, faults: [{ type, retry_after: '2s', ...(type === 'cut_stream' ? { after_chunks: 2 } : {}) }] };
}
models['midstream-overloaded'] = { chunks: 4, faults: [{ type: 'overloaded', after_chunks: 2 }] };
models['midstream-hang'] = { chunks: 4, faults: [{ type: 'hang', after_chunks: 1 }] };
models['fault-azure-content_filter'] = { faults: [{ type: 'content_filter', provider: 'azure_openai' }] };

beforeAll(async () => {
  simulator = await startSimulator({ scenario: { models } });
});

afterAll(async () => {
  await simulator.close();
});

const fullText = (model: string): string => `[${model}] reply to: ${'Tell me about the weather today, in detail please.'.slice(0, 40)}`;

describe.each(PROTOCOLS)('documented errors through the %s SDK', (protocol) => {
  it.each(DOCUMENTED_FAULTS.filter((fault) => !(protocol === 'google' && fault === 'content_filter')))(
    '%s has the catalog status',
    async (fault) => {
      const documented = providerErrorResponse(protocol, fault, { retryAfterSeconds: 2, model: `fault-${fault}` });
      const outcome = await callThrough(protocol, simulator, `fault-${fault}`, { stream: false });
      expect(outcome.error).not.toBeNull();
      expect(outcome.status).toBe(documented.status);
    },
  );

  it('serves errors to streaming requests too', async () => {
    const outcome = await callThrough(protocol, simulator, 'fault-rate_limit', { stream: true });
    expect(outcome.status).toBe(429);
  });
});

describe('the protocol-specific details reach the SDKs', () => {
  it('OpenAI: 429 with retry-after and the code', async () => {
    const outcome = await callThrough('openai', simulator, 'fault-rate_limit', { stream: false });
    expect(outcome.error?.constructor.name).toBe('RateLimitError');
    expect((outcome.error?.headers as Headers).get('retry-after')).toBe('2');
    expect(outcome.error?.code).toBe('rate_limit_exceeded');
    const quota = await callThrough('openai', simulator, 'fault-quota', { stream: false });
    expect(quota.error?.code).toBe('insufficient_quota');
  });

  it('Anthropic: 529 overloaded_error', async () => {
    const outcome = await callThrough('anthropic', simulator, 'fault-overloaded', { stream: false });
    expect(outcome.status).toBe(529);
    expect(outcome.error?.constructor.name).toBe('OverloadedError');
    expect(JSON.stringify((outcome.error as { error?: unknown }).error)).toContain('overloaded_error');
  });

  it('Google: RESOURCE_EXHAUSTED with RetryInfo', async () => {
    const outcome = await callThrough('google', simulator, 'fault-rate_limit', { stream: false });
    expect(outcome.error?.name).toBe('ApiError');
    const body = JSON.parse(outcome.error?.message ?? '{}') as { error: { status: string; details: { retryDelay?: string }[] } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details.some((detail) => detail.retryDelay === '2s')).toBe(true);
  });

  it('Google: content_filter is a 200 with a blocked prompt', async () => {
    const outcome = await callThrough('google', simulator, 'fault-content_filter', { stream: false });
    expect(outcome.error).toBeNull();
    expect(outcome.text).toBe('');
    expect(outcome.finish).toBe('SAFETY');
  });

  it('Azure deployments answer in Azure’s shape by default', async () => {
    const client = azureClient(simulator.url, 'fault-rate_limit');
    const error = await client.chat.completions.create({ model: '', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => null,
      (thrown: unknown) => thrown as { status: number; headers: Headers },
    );
    expect(error?.status).toBe(429);
    expect(error?.headers.get('retry-after-ms')).toBe('2000');
    expect(error?.headers.get('apim-request-id')).toBeTruthy();
  });

  it('a fault can answer in another provider’s shape (Azure content filter on the OpenAI route)', async () => {
    const documented = providerErrorResponse('azure_openai', 'content_filter');
    const outcome = await callThrough('openai', simulator, 'fault-azure-content_filter', { stream: false });
    expect(outcome.status).toBe(documented.status);
    expect(outcome.error?.code).toBe('content_filter');
  });
});

const FINISH = {
  openai: { filtered: 'content_filter', truncated: 'length', stop: 'stop' },
  anthropic: { filtered: 'refusal', truncated: 'max_tokens', stop: 'end_turn' },
  google: { filtered: 'SAFETY', truncated: 'MAX_TOKENS', stop: 'STOP' },
} as const;

describe.each(PROTOCOLS)('wire faults through the %s SDK', (protocol) => {
  it('reset: the connection is destroyed, no status', async () => {
    for (const stream of [false, true]) {
      const outcome = await callThrough(protocol, simulator, 'fault-reset', { stream });
      expect(outcome.error).not.toBeNull();
      expect(outcome.status).toBeNull();
    }
  });

  it('cut_stream: two chunks, then the connection breaks', async () => {
    const outcome = await callThrough(protocol, simulator, 'fault-cut_stream', { stream: true });
    expect(outcome.error).not.toBeNull();
    expect(outcome.status).toBeNull();
    expect(outcome.text).toBe(fullText('fault-cut_stream').slice(0, 2 * Math.ceil(fullText('fault-cut_stream').length / 4)));
    const plain = await callThrough(protocol, simulator, 'fault-cut_stream', { stream: false });
    expect(plain.error).not.toBeNull();
  });

  it('no_terminator: every chunk, then a clean end with no finish', async () => {
    const outcome = await callThrough(protocol, simulator, 'fault-no_terminator', { stream: true });
    expect(outcome.error).toBeNull();
    expect(outcome.text).toBe(fullText('fault-no_terminator'));
    expect(outcome.finish).toBeNull();
    if (protocol === 'anthropic') expect(outcome.events).not.toContain('message_stop');
  });

  it('malformed_json: a 200 the SDK cannot parse', async () => {
    for (const stream of [false, true]) {
      const outcome = await callThrough(protocol, simulator, 'fault-malformed_json', { stream });
      expect(outcome.error).not.toBeNull();
      expect(outcome.status).toBeNull();
    }
  });

  it('filtered and truncated: 200s with the provider’s finish reason', async () => {
    for (const stream of [false, true]) {
      const filtered = await callThrough(protocol, simulator, 'fault-filtered', { stream });
      expect(filtered.error).toBeNull();
      expect(filtered.finish).toBe(FINISH[protocol].filtered);
      expect(filtered.text.length).toBeLessThan(fullText('fault-filtered').length);
      const truncated = await callThrough(protocol, simulator, 'fault-truncated', { stream });
      expect(truncated.finish).toBe(FINISH[protocol].truncated);
      expect(truncated.text).toBe(fullText('fault-truncated'));
    }
  });

  it('a documented error with after_chunks arrives inside the stream, after those chunks', async () => {
    const outcome = await callThrough(protocol, simulator, 'midstream-overloaded', { stream: true });
    expect(outcome.text).toBe(fullText('midstream-overloaded').slice(0, 2 * Math.ceil(fullText('midstream-overloaded').length / 4)));
    expect(outcome.error).not.toBeNull();
    const expectedStatus = { openai: undefined, anthropic: undefined, google: 503 }[protocol];
    expect(outcome.error?.status).toBe(expectedStatus);
    expect(JSON.stringify(outcome.error?.message)).toMatch(/overloaded/i);
    const plain = await callThrough(protocol, simulator, 'midstream-overloaded', { stream: false });
    expect(plain.status).toBe(providerErrorResponse(protocol, 'overloaded').status);
  });

  it('hang with after_chunks stalls a stream after its first chunk', async () => {
    simulator.reset();
    const controller = new AbortController();
    const pending = callThrough(protocol, simulator, 'midstream-hang', { stream: true, signal: controller.signal });
    await until(() => simulator.counts().models['midstream-hang']?.requests === 1);
    controller.abort();
    const outcome = await pending;
    expect(outcome.text.length).toBeLessThanOrEqual(Math.ceil(fullText('midstream-hang').length / 4));
    await until(() => simulator.counts().connectionsClosedByClient === 1);
  });

  it('hang: no answer until the client gives up; the close is counted', async () => {
    simulator.reset();
    const controller = new AbortController();
    const pending = callThrough(protocol, simulator, 'fault-hang', { stream: false, signal: controller.signal });
    await until(() => simulator.counts().models['fault-hang']?.requests === 1);
    controller.abort();
    const outcome = await pending;
    expect(outcome.error).not.toBeNull();
    await until(() => simulator.counts().connectionsClosedByClient === 1);
    expect(simulator.counts().models['fault-hang']?.outcomes).toEqual({ hang: 1 });
  });
});

/** Waits for a condition driven by I/O (no timers, so no sleeps): yields to the event loop until it holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100_000; turn += 1) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}
