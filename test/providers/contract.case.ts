/**
 * The adapter contract, written once and run against every adapter: the real
 * SDK over real HTTP against the simulator, every fault it can inject.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErrorKind } from '../../src/errors/kinds.js';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import type { GenerateRequest, GenerateResponse, ProviderAdapter, StreamPart } from '../../src/providers/spec.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { AdapterSubject } from './subjects.js';
import { failureOf } from './failure.js';

const PROMPT = 'Tell me about the weather today, in detail please.';

/** What the simulator answers `model` with (its deterministic echo). */
export const replyText = (model: string): string => `[${model}] reply to: ${PROMPT.slice(0, 40)}`;

const RAW_STOP = { openai: 'stop', anthropic: 'end_turn', google: 'STOP', bedrock: 'end_turn' } as const;
const RAW_LENGTH = { openai: 'length', anthropic: 'max_tokens', google: 'MAX_TOKENS', bedrock: 'max_tokens' } as const;

/** Simulator fault → the kind the adapter must report, for plain calls and streams alike. */
const ERROR_FAULTS: readonly (readonly [fault: string, kind: ErrorKind])[] = [
  ['rate_limit', 'rate_limit'],
  ['quota', 'quota_exceeded'],
  ['server_error', 'service_unavailable'],
  ['service_unavailable', 'service_unavailable'],
  ['overloaded', 'overloaded'],
  ['unauthorized', 'authentication'],
  ['forbidden', 'permission'],
  ['not_found', 'model_not_found'],
  ['context_length', 'token_limit'],
  ['content_filter', 'content_filter'],
  ['bad_request', 'invalid_request'],
  ['reset', 'connection'],
];

const WIRE_FAULTS = ['cut_stream', 'no_terminator', 'malformed_json', 'hang', 'filtered', 'truncated'] as const;

function scenario(): Record<string, unknown> {
  const models: Record<string, unknown> = { '*': { chunks: 4 } };
  for (const [fault] of ERROR_FAULTS) models[`fault-${fault}`] = { chunks: 4, faults: [{ type: fault, retry_after: '2s' }] };
  for (const fault of WIRE_FAULTS) {
    const afterChunks = fault === 'cut_stream' || fault === 'filtered' ? { after_chunks: 2 } : {};
    models[`fault-${fault}`] = { chunks: 4, faults: [{ type: fault, ...afterChunks }] };
  }
  models['slow-stream'] = { chunks: 40, chunk_latency: '50ms' };
  models['mid-overloaded'] = { chunks: 4, faults: [{ type: 'overloaded', after_chunks: 2 }] };
  models['mid-hang'] = { chunks: 4, faults: [{ type: 'hang', after_chunks: 2 }] };
  return { models };
}

function request(model: string, more: Partial<GenerateRequest> = {}): GenerateRequest {
  return { model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: PROMPT }], ...more };
}

interface Collected {
  readonly deltas: string[];
  readonly parts: StreamPart[];
  readonly error: ProviderCallError | null;
}

async function collect(stream: AsyncIterable<StreamPart>): Promise<Collected> {
  const parts: StreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
    return { deltas: parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])), parts, error: null };
  } catch (error) {
    expect(ProviderCallError.isInstance(error), String(error)).toBe(true);
    return { deltas: parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])), parts, error: error as ProviderCallError };
  }
}

function finishOf(collected: Collected): GenerateResponse | null {
  const last = collected.parts[collected.parts.length - 1];
  return last?.type === 'finish' ? last.response : null;
}

/** Resolves `late` after `ms` on a real timer: the outcome must come first (an ordering check, not a duration). */
function later(ms: number): { readonly promise: Promise<'late'>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Registers the whole contract for one adapter.
 *
 * @example
 * runAdapterContract(openAISubject);
 */
export function runAdapterContract(subject: AdapterSubject): void {
  describe(`${subject.name} adapter contract`, () => {
    let simulator: Simulator;
    const adapterFor = (model: string): ProviderAdapter => subject.createAdapter(simulator.url, model);
    const requestsFor = (model: string): number => simulator.counts().models[model]?.requests ?? 0;

    beforeAll(async () => {
      simulator = await startSimulator({ scenario: scenario() });
    });
    afterAll(async () => {
      await simulator?.close();
    });
    beforeEach(() => {
      simulator.reset();
    });

    it('implements spec v2 and reports its server', () => {
      const adapter = adapterFor('ok');
      expect(adapter.specificationVersion).toBe('v2');
      expect(adapter.modelId).toBe('ok');
      expect(adapter.serverAddress).toBe('127.0.0.1');
      expect(adapter.serverPort).toBe(simulator.port);
    });

    it('generates: text, finish reason, usage, response model and id', async () => {
      const response = await adapterFor('ok').generate(request('ok'));
      expect(response.text).toBe(replyText('ok'));
      expect(response.finishReason).toEqual({ unified: 'stop', raw: RAW_STOP[subject.protocol] });
      expect(response.usage.inputTokens).toBeGreaterThan(0);
      expect(response.usage.outputTokens).toBe(Math.ceil(replyText('ok').length / 4));
      expect(response.responseModel).toContain('ok');
      expect(response.responseId).toEqual(expect.any(String));
      expect(requestsFor('ok')).toBe(1);
    });

    it('streams: text deltas, then exactly one finish carrying the same response', async () => {
      const collected = await collect(adapterFor('ok').stream(request('ok')));
      expect(collected.error).toBeNull();
      expect(collected.deltas.length).toBeGreaterThan(1);
      expect(collected.deltas.join('')).toBe(replyText('ok'));
      expect(collected.parts.filter((part) => part.type === 'finish')).toHaveLength(1);
      const finish = finishOf(collected);
      expect(finish?.text).toBe(replyText('ok'));
      expect(finish?.finishReason).toEqual({ unified: 'stop', raw: RAW_STOP[subject.protocol] });
      expect(finish?.usage.inputTokens).toBeGreaterThan(0);
      expect(finish?.usage.outputTokens).toBeGreaterThan(0);
      expect(finish?.responseId).toEqual(expect.any(String));
      expect(requestsFor('ok')).toBe(1);
    });

    it('a length cut is a success with finish reason length (plain and stream)', async () => {
      const response = await adapterFor('fault-truncated').generate(request('fault-truncated'));
      expect(response.finishReason).toEqual({ unified: 'length', raw: RAW_LENGTH[subject.protocol] });
      expect(response.text).toBe(replyText('fault-truncated'));
      const collected = await collect(adapterFor('fault-truncated').stream(request('fault-truncated')));
      expect(finishOf(collected)?.finishReason.unified).toBe('length');
    });

    it('catalog params are merged over the request (max_tokens cuts the reply)', async () => {
      const adapter = subject.createAdapter(simulator.url, 'ok', { params: { max_tokens: 2 } });
      const response = await adapter.generate(request('ok', { maxTokens: 500 }));
      expect(response.finishReason.unified).toBe('length');
      expect(response.text).toBe(replyText('ok').slice(0, 8));
    });

    describe.each(ERROR_FAULTS)('fault %s', (fault, kind) => {
      const model = `fault-${fault}`;
      const expectedKind = (): ErrorKind => (subject.faultKinds?.[fault] as ErrorKind | undefined) ?? kind;

      it(`is classified as ${kind}, with exactly one request sent (plain)`, async () => {
        const error = await failureOf(adapterFor(model).generate(request(model)));
        expect(error.fact.kind).toBe(expectedKind());
        if (kind === 'rate_limit') expect(error.fact.retryAfterMs).toBe(subject.sendsRetryAfter === false ? null : 2000);
        expect(requestsFor(model)).toBe(1);
      });

      it(`is classified as ${kind}, with exactly one request sent (stream)`, async () => {
        const collected = await collect(adapterFor(model).stream(request(model)));
        expect(collected.error?.fact.kind).toBe(expectedKind());
        expect(collected.deltas).toEqual([]);
        expect(requestsFor(model)).toBe(1);
      });
    });

    it('a 200 that was filtered is content_filter (plain and stream, with the partial text)', async () => {
      const plain = await failureOf(adapterFor('fault-filtered').generate(request('fault-filtered')));
      expect(plain.fact.kind).toBe('content_filter');
      const collected = await collect(adapterFor('fault-filtered').stream(request('fault-filtered')));
      expect(collected.error?.fact.kind).toBe('content_filter');
      expect(collected.error?.partialText).toBe(collected.deltas.join(''));
      expect(requestsFor('fault-filtered')).toBe(2);
    });

    it('a stream cut mid-way is stream_interrupted with the partial text', async () => {
      const collected = await collect(adapterFor('fault-cut_stream').stream(request('fault-cut_stream')));
      expect(collected.error?.fact.kind).toBe('stream_interrupted');
      expect(collected.deltas.length).toBeGreaterThan(0);
      expect(collected.error?.partialText).toBe(collected.deltas.join(''));
      expect(replyText('fault-cut_stream').startsWith(collected.error?.partialText ?? 'x')).toBe(true);
      expect(finishOf(collected)).toBeNull();
      expect(requestsFor('fault-cut_stream')).toBe(1);
    });

    it('a body cut mid-way fails a plain call as retryable, never a success', async () => {
      const error = await failureOf(adapterFor('fault-cut_stream').generate(request('fault-cut_stream')));
      expect(['connection', 'stream_interrupted']).toContain(error.fact.kind);
      expect(error.fact.retryable).toBe(true);
    });

    it('an error event mid-stream keeps its kind and carries the partial text', async () => {
      const collected = await collect(adapterFor('mid-overloaded').stream(request('mid-overloaded')));
      expect(collected.deltas).toHaveLength(2);
      expect(collected.error?.fact.kind).toBe('overloaded');
      expect(collected.error?.partialText).toBe(collected.deltas.join(''));
    });

    it('a stream that stalls mid-way ends at the timeout as kind timeout, with the partial text', async () => {
      // Long enough for the two chunks to arrive on a busy machine; the call then waits out the rest.
      const guard = later(5_000);
      const outcome = await Promise.race([collect(adapterFor('mid-hang').stream(request('mid-hang'), { timeout: 500 })), guard.promise]);
      guard.cancel();
      expect(outcome).not.toBe('late');
      const collected = outcome as Collected;
      expect(collected.deltas).toHaveLength(2);
      expect(collected.error?.fact.kind).toBe('timeout');
      expect(collected.error?.partialText).toBe(collected.deltas.join(''));
    });

    it('a stream that ends without its terminator is stream_interrupted with all the text', async () => {
      const collected = await collect(adapterFor('fault-no_terminator').stream(request('fault-no_terminator')));
      expect(collected.error?.fact.kind).toBe('stream_interrupted');
      expect(collected.error?.partialText).toBe(replyText('fault-no_terminator'));
      expect(finishOf(collected)).toBeNull();
    });

    it('malformed JSON in a 200 is a ProviderCallError (empty_response), never a crash or a success', async () => {
      const plain = await failureOf(adapterFor('fault-malformed_json').generate(request('fault-malformed_json')));
      // A server fault the policy falls back on, with detour's message instead of the parser's.
      expect(plain.fact).toMatchObject({ kind: 'service_unavailable', status: 200, code: 'malformed_response', retryable: true });
      const collected = await collect(adapterFor('fault-malformed_json').stream(request('fault-malformed_json')));
      expect(collected.error?.fact.kind).toBe('stream_interrupted');
      expect(finishOf(collected)).toBeNull();
      expect(requestsFor('fault-malformed_json')).toBe(2);
    });

    it('a hang ends at the timeout as kind timeout, and the connection is closed', async () => {
      const guard = later(2_000);
      const outcome = await Promise.race([failureOf(adapterFor('fault-hang').generate(request('fault-hang'), { timeout: 50 })), guard.promise]);
      guard.cancel();
      expect(outcome).not.toBe('late');
      expect((outcome as ProviderCallError).fact.kind).toBe('timeout');
      expect((outcome as ProviderCallError).fact.retryable).toBe(true);
      await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1), { timeout: 2_000, interval: 5 });
      expect(requestsFor('fault-hang')).toBe(1);
    });

    it('a hanging stream ends at the timeout as kind timeout', async () => {
      const guard = later(2_000);
      const outcome = await Promise.race([collect(adapterFor('fault-hang').stream(request('fault-hang'), { timeout: 50 })), guard.promise]);
      guard.cancel();
      expect(outcome).not.toBe('late');
      expect((outcome as Collected).error?.fact.kind).toBe('timeout');
      await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1), { timeout: 2_000, interval: 5 });
    });

    it('the caller aborting is kind aborted, settles at once, and closes the connection', async () => {
      const controller = new AbortController();
      const pending = failureOf(adapterFor('fault-hang').generate(request('fault-hang'), { signal: controller.signal, timeout: 10_000 }));
      await vi.waitFor(() => expect(requestsFor('fault-hang')).toBe(1), { timeout: 2_000, interval: 2 });
      controller.abort();
      const guard = later(1_000);
      const outcome = await Promise.race([pending, guard.promise]);
      guard.cancel();
      expect(outcome).not.toBe('late');
      expect((outcome as ProviderCallError).fact.kind).toBe('aborted');
      expect((outcome as ProviderCallError).fact.retryable).toBe(false);
      await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1), { timeout: 2_000, interval: 5 });
    });

    it('an already-aborted signal fails as aborted', async () => {
      const error = await failureOf(adapterFor('ok').generate(request('ok'), { signal: AbortSignal.abort() }));
      expect(error.fact.kind).toBe('aborted');
    });

    it('the caller aborting mid-stream is kind aborted, with the partial text', async () => {
      const controller = new AbortController();
      const parts: StreamPart[] = [];
      const error = await failureOf(
        (async () => {
          for await (const part of adapterFor('slow-stream').stream(request('slow-stream'), { signal: controller.signal })) {
            parts.push(part);
            controller.abort();
          }
        })(),
      );
      expect(error.fact.kind).toBe('aborted');
      expect(parts).toHaveLength(1);
      expect(error.partialText).toBe((parts[0] as { text: string }).text);
      await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1), { timeout: 2_000, interval: 5 });
    });

    it('a consumer that stops iterating early aborts the request', async () => {
      let seen = 0;
      for await (const part of adapterFor('slow-stream').stream(request('slow-stream'))) {
        if (part.type === 'text-delta') seen += 1;
        break;
      }
      expect(seen).toBe(1);
      await vi.waitFor(() => expect(simulator.counts().connectionsClosedByClient).toBe(1), { timeout: 2_000, interval: 5 });
      expect(requestsFor('slow-stream')).toBe(1);
    });

    it('a refused connection is kind connection', async () => {
      const closed = await startSimulator();
      const root = closed.url;
      await closed.close();
      const error = await failureOf(subject.createAdapter(root, 'ok').generate(request('ok')));
      expect(error.fact.kind).toBe('connection');
    });

    it('never leaves an unhandled rejection behind', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => {
        unhandled.push(reason);
      };
      process.on('unhandledRejection', onUnhandled);
      try {
        const calls = ['fault-reset', 'fault-cut_stream', 'fault-malformed_json', 'fault-rate_limit'].flatMap((model) => [
          adapterFor(model).generate(request(model)).catch(() => undefined),
          collect(adapterFor(model).stream(request(model))),
        ]);
        await Promise.all(calls);
        await new Promise<void>((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
}
