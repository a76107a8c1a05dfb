/**
 * A call's control reaching the request through the fetch of the clients
 * detour builds (`controlledFetch`), instead of a signal handed to the SDK:
 * the real `openai` and `@anthropic-ai/sdk` clients over HTTP to the simulator.
 */
import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as OpenAISdk from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { createAnthropicClient } from '../../src/providers/anthropic/create-anthropic-client.js';
import { CALL_CONTROL, CallControl } from '../../src/providers/call-control.js';
import type { FetchFunction } from '../../src/providers/client-settings.js';
import { controlledFetch, isControlled, markControlled } from '../../src/providers/controlled-fetch.js';
import { createOpenAIClient } from '../../src/providers/openai/create-openai-client.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import type { ProviderAdapter } from '../../src/providers/spec.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { failureOf } from './failure.js';

let simulator: Simulator;
const messages = [{ role: 'user' as const, content: 'ping' }];

beforeAll(async () => {
  simulator = await startSimulator({ scenario: { models: { ok: {}, hang: { faults: [{ type: 'hang' }] } } } });
});
afterAll(async () => {
  await simulator.close();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await simulator.reset();
});

/** What each request reached the network with. */
interface Sent {
  readonly signal: AbortSignal | null;
  readonly control: unknown;
}

function recording(): { readonly fetch: FetchFunction; readonly sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: (input, init) => {
      sent.push({ signal: init?.signal ?? null, control: (init as { [CALL_CONTROL]?: unknown } | undefined)?.[CALL_CONTROL] });
      return globalThis.fetch(input, init);
    },
  };
}

const settings = (baseUrl: string, fetch: FetchFunction | null, timeoutMs: number | null = null) => ({ apiKey: 'test-key', baseUrl, timeoutMs, fetch, headers: {} });

const sdks: ReadonlyArray<{ readonly name: string; readonly adapter: (fetch: FetchFunction | null, model: string, timeoutMs?: number | null) => ProviderAdapter }> = [
  {
    name: 'openai',
    adapter: (fetch, model, timeoutMs = null) => new OpenAIAdapter({ client: createOpenAIClient(OpenAISdk, settings(`${simulator.url}/v1`, fetch, timeoutMs)), modelId: model }),
  },
  {
    name: 'anthropic',
    adapter: (fetch, model, timeoutMs = null) => new AnthropicAdapter({ client: createAnthropicClient(AnthropicSdk, settings(simulator.url, fetch, timeoutMs)), modelId: model }),
  },
];

describe.each(sdks)('$name: a client detour built', ({ adapter }) => {
  it('is handed the call control, not a signal: the request goes out with the SDK’s own signal, which the control aborts', async () => {
    const { fetch, sent } = recording();
    const caller = new AbortController();
    const control = new CallControl({ signal: caller.signal, timeout: 10_000 });
    const pending = failureOf(adapter(fetch, 'hang').generate({ model: 'hang', messages }, { control }));
    await vi.waitFor(() => expect(simulator.counts().requests).toBe(1));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.control).toBe(control);
    expect(sent[0]!.signal).not.toBe(caller.signal);
    expect(sent[0]!.signal?.aborted).toBe(false);
    caller.abort();
    expect((await pending).fact.kind).toBe('aborted');
    expect(sent[0]!.signal?.aborted).toBe(true);
    await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1));
  });

  it('composes no caller signal into the SDK’s own (AbortSignal.any is never called)', async () => {
    const any = vi.spyOn(AbortSignal, 'any');
    const response = await adapter(null, 'ok').generate({ model: 'ok', messages }, { control: new CallControl({ timeout: 10_000 }) });
    expect(response.text.length).toBeGreaterThan(0);
    expect(any).not.toHaveBeenCalled();
  });

  it('the caller’s timeout closes the connection and fails as timeout', async () => {
    const error = await failureOf(adapter(null, 'hang').generate({ model: 'hang', messages }, { timeout: 50 }));
    expect(error.fact.kind).toBe('timeout');
    await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1));
  });

  it('the provider’s own timeout (the SDK’s timer), when shorter, still closes the connection', async () => {
    const error = await failureOf(adapter(null, 'hang', 50).generate({ model: 'hang', messages }, { timeout: 10_000 }));
    expect(error.fact.kind).toBe('timeout');
    await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1));
  });

  it('a control stopped before the request went out stops it at once', async () => {
    const control = new CallControl({ signal: AbortSignal.abort(), timeout: 10_000 });
    expect((await failureOf(adapter(null, 'hang').generate({ model: 'hang', messages }, { control }))).fact.kind).toBe('aborted');
    await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient + simulator.counts().requests).toBeLessThanOrEqual(1));
  });
});

describe('controlledFetch', () => {
  it('finds the SDK’s own controller for each request, so the request goes out as the SDK made it (no signal of ours)', async () => {
    const seen: { readonly outer: unknown[]; readonly inner: unknown[] } = { outer: [], inner: [] };
    const record = (into: unknown[], fetch: FetchFunction): FetchFunction => (input, init) => {
      into.push(init);
      return fetch(input, init);
    };
    const fetch = record(seen.outer, controlledFetch(record(seen.inner, (input, init) => globalThis.fetch(input, init))));
    const clients = [
      markControlled(new OpenAISdk.OpenAI({ apiKey: 'k', baseURL: `${simulator.url}/v1`, maxRetries: 0, fetch })),
      markControlled(new AnthropicSdk.Anthropic({ apiKey: 'k', baseURL: simulator.url, maxRetries: 0, fetch })),
    ];
    await new OpenAIAdapter({ client: clients[0] as OpenAISdk.OpenAI, modelId: 'ok' }).generate({ model: 'ok', messages }, { control: new CallControl({ timeout: 10_000 }) });
    await new AnthropicAdapter({ client: clients[1] as AnthropicSdk.Anthropic, modelId: 'ok' }).generate({ model: 'ok', messages }, { control: new CallControl({ timeout: 10_000 }) });
    expect(seen.outer).toHaveLength(2);
    expect(seen.inner).toEqual(seen.outer);
    expect(seen.inner[0]).toBe(seen.outer[0]);
    expect(seen.inner[1]).toBe(seen.outer[1]);
  });

  it('without the SDK’s controller on record, follows both the control and the request’s own signal', async () => {
    const send = controlledFetch(null);
    const url = `${simulator.url}/v1/chat/completions`;
    const body = JSON.stringify({ model: 'hang', messages });
    const init = (signal: AbortSignal, control: CallControl) => ({ method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body, signal, [CALL_CONTROL]: control });

    const byControl = new CallControl({});
    const first = send(url, init(new AbortController().signal, byControl)).catch((error: unknown) => error);
    await vi.waitFor(() => expect(simulator.counts().requests).toBe(1));
    byControl.cancel();
    expect(await first).toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1));

    const own = new AbortController();
    const second = send(url, init(own.signal, new CallControl({}))).catch((error: unknown) => error);
    await vi.waitFor(() => expect(simulator.counts().requests).toBe(2));
    own.abort();
    expect(await second).toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(2));
  });

  it('passes any other request through as it is', async () => {
    const response = await controlledFetch(null)(`${simulator.url}/v1/models`);
    expect(response.status).toBeLessThan(500);
  });

  it('marks only the clients detour built: a caller’s own client is handed a signal as before', () => {
    expect(isControlled(createOpenAIClient(OpenAISdk, settings(`${simulator.url}/v1`, null)))).toBe(true);
    expect(isControlled(createAnthropicClient(AnthropicSdk, settings(simulator.url, null)))).toBe(true);
    expect(isControlled(new OpenAISdk.OpenAI({ apiKey: 'k', baseURL: `${simulator.url}/v1` }))).toBe(false);
  });
});
