/**
 * End to end: the executor, the real provider SDKs over HTTP against the
 * simulator, the OpenTelemetry hooks and the real SDK. The exact span tree
 * for each way a session can go, with the policy version and the deciding
 * rule on every attempt.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { createExecutor } from '../../src/executor/createExecutor.js';
import { type Executor } from '../../src/executor/Executor.js';
import { parsePolicy } from '../../src/policy/load.js';
import { createPolicySet } from '../../src/policy/set.js';
import type { Policy } from '../../src/policy/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import type { TelemetryHooks } from '../../src/telemetry/hooks.js';
import { createTracing, spansAsJson, spanTree, type SpanNode, type TracingFixture } from './sdk.js';

const API_KEY = 'sk-test-SECRET-e2e-0123456789abcdef';
const messages = [{ role: 'user', content: 'What is the capital of France?' }] as const;

/** Model ids the simulator serves: healthy ones, and ones that always fail or never answer. */
const SCENARIO = {
  models: {
    '*': { chunks: 2 },
    'down-model': { faults: [{ type: 'service_unavailable' }] },
    'limited-model': { faults: [{ type: 'rate_limit' }] },
    'hang-model': { faults: [{ type: 'hang' }] },
  },
};

const CATALOG = `
models:
  gpt-4o: { provider: openai }
  claude: { provider: anthropic, model: claude-3-5-haiku-latest }
  gemini: { provider: google, model: gemini-2.0-flash }
  down: { provider: openai, model: down-model }
  limited: { provider: anthropic, model: limited-model }
  hang: { provider: openai, model: hang-model }
`;

function policy(name: string, body: string): Policy {
  const result = parsePolicy(`version: 1\nname: ${name}\n${CATALOG}${body}`, `${name}.yaml`);
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

const POLICIES = [
  policy('primary', 'primary_model: gpt-4o\nfallback_models: [claude]\n'),
  policy(
    'fallback',
    `primary_model: down
fallback_models: [limited, gemini]
max_attempts: 3
base_delay: 5ms
max_delay: 5ms
jitter: false
backoff: every_attempt
rules:
  - name: rate-limited-goes-to-gemini
    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }
    then: { fallback: [gemini] }
`,
  ),
  policy('race', 'primary_model: hang\nfallback_models: [claude, gemini]\nstrategy_type: parallel\nparallel: { width: 2 }\n'),
  policy('hedged', 'primary_model: hang\nfallback_models: [gemini]\nhedge: { after: 10ms, max_extra: 1 }\n'),
  policy('exhausted', 'primary_model: down\nfallback_models: [limited]\nmax_attempts: 2\nbase_delay: 0\njitter: false\n'),
  policy('aborted', 'primary_model: hang\nfallback_models: [gemini]\n'),
];
const VERSION = (name: string): string => POLICIES.find((entry) => entry.name === name)!.version;

let simulator: Simulator;
let tracing: TracingFixture;
let executor: Executor;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, scenario: SCENARIO });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(async () => {
  tracing = createTracing();
  executor = await createExecutor({
    policies: createPolicySet(POLICIES),
    factory: new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: API_KEY }),
    telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }),
  });
  return async () => {
    await executor.close();
    await tracing.shutdown();
  };
});

/** An attempt span: `generate_content {model}` for Gemini (the conventions' name for its API), `chat {model}` for the others. */
const client = (name: string, status: SpanNode['status'] = 'UNSET'): SpanNode => ({
  name: `${name.startsWith('gemini') ? 'generate_content' : 'chat'} ${name}`,
  kind: 'CLIENT',
  status,
  children: [],
});
const session = (policyName: string, status: SpanNode['status'], children: SpanNode[]): SpanNode[] => [
  { name: `detour.session ${policyName}`, kind: 'INTERNAL', status, children },
];

/** Attempt spans by attempt number: [model id, reason, outcome, error kind, policy version]. */
function attempts(spans: readonly ReadableSpan[]): unknown[][] {
  return spans
    .filter((span) => span.kind === SpanKind.CLIENT)
    .sort((a, b) => Number(a.attributes['detour.attempt.number']) - Number(b.attributes['detour.attempt.number']))
    .map((span) => [
      span.attributes['gen_ai.request.model'],
      span.attributes['detour.attempt.reason'],
      span.attributes['detour.attempt.outcome'],
      span.attributes['error.type'] ?? null,
      span.attributes['detour.policy.version'],
    ]);
}

function sessionAttributes(spans: readonly ReadableSpan[]): Record<string, unknown> {
  const found = spans.find((span) => span.name.startsWith('detour.session '));
  return { ...found?.attributes };
}

async function failureOf(promise: Promise<unknown>): Promise<LLMFallbackError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!LLMFallbackError.isInstance(error)) throw new Error(`expected LLMFallbackError, got ${String(error)}`);
  return error;
}

describe('spans of real sessions', () => {
  it('a success on the primary', async () => {
    const result = await executor.generate({ policy: 'primary', messages: [...messages] });
    expect(result.model).toBe('gpt-4o');
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual(session('primary', 'UNSET', [client('gpt-4o')]));
    expect(attempts(spans)).toEqual([['gpt-4o', 'primary', 'success', null, VERSION('primary')]]);
    const attempt = spans.find((span) => span.name === 'chat gpt-4o')!;
    expect(attempt.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'server.address': '127.0.0.1',
      'server.port': simulator.port,
      'gen_ai.response.model': 'gpt-4o',
      'detour.hedged': false,
    });
    expect(attempt.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(attempt.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(sessionAttributes(spans)).toEqual({
      'detour.policy.name': 'primary',
      'detour.policy.version': VERSION('primary'),
      'detour.strategy': 'sequential',
      'detour.stream': false,
      'detour.attempts': 1,
      'detour.outcome': 'success',
      'detour.final_model': 'gpt-4o',
    });
  });

  it('a sequential fallback: a 503, then a rule sends the 429 to gemini, with backoff events', async () => {
    const result = await executor.generate({ policy: 'fallback', messages: [...messages] });
    expect(result.model).toBe('gemini');
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual(session('fallback', 'UNSET', [client('down-model', 'ERROR'), client('limited-model', 'ERROR'), client('gemini-2.0-flash')]));
    expect(attempts(spans)).toEqual([
      ['down-model', 'primary', 'failure', 'service_unavailable', VERSION('fallback')],
      ['limited-model', 'strategy:sequential', 'failure', 'rate_limit', VERSION('fallback')],
      ['gemini-2.0-flash', 'rate-limited-goes-to-gemini', 'success', null, VERSION('fallback')],
    ]);
    expect(spans.map((span) => span.attributes['gen_ai.provider.name']).filter(Boolean).sort()).toEqual(['anthropic', 'gcp.gemini', 'openai']);
    const sessionSpan = spans.find((span) => span.name === 'detour.session fallback')!;
    expect(sessionSpan.events.map((event) => event.name)).toEqual(['detour.backoff', 'detour.backoff']);
    expect(sessionSpan.attributes).toMatchObject({ 'detour.attempts': 3, 'detour.outcome': 'success', 'detour.final_model': 'gemini' });
  });

  it('a parallel race: siblings under the session, the loser cancelled', async () => {
    const result = await executor.generate({ policy: 'race', messages: [...messages] });
    expect(result.model).toBe('claude');
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual(session('race', 'UNSET', [client('hang-model'), client('claude-3-5-haiku-latest')]));
    expect(attempts(spans)).toEqual([
      ['hang-model', 'primary', 'cancelled', null, VERSION('race')],
      ['claude-3-5-haiku-latest', 'strategy:parallel', 'success', null, VERSION('race')],
    ]);
    expect(sessionAttributes(spans)).toMatchObject({ 'detour.strategy': 'parallel', 'detour.attempts': 2, 'detour.final_model': 'claude' });
  });

  it('a hedge: the slow primary is cancelled, the hedged attempt answers', async () => {
    const result = await executor.generate({ policy: 'hedged', messages: [...messages] });
    expect(result.model).toBe('gemini');
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual(session('hedged', 'UNSET', [client('hang-model'), client('gemini-2.0-flash')]));
    expect(attempts(spans)).toEqual([
      ['hang-model', 'primary', 'cancelled', null, VERSION('hedged')],
      ['gemini-2.0-flash', 'hedge', 'success', null, VERSION('hedged')],
    ]);
    expect(spans.find((span) => span.name === 'generate_content gemini-2.0-flash')!.attributes['detour.hedged']).toBe(true);
    expect(spans.find((span) => span.name === 'chat hang-model')!.attributes['detour.hedged']).toBe(false);
  });

  it('an exhausted session: every attempt and the session are Errors', async () => {
    const error = await failureOf(executor.generate({ policy: 'exhausted', messages: [...messages] }));
    expect(error.reason).toBe('exhausted');
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual(session('exhausted', 'ERROR', [client('down-model', 'ERROR'), client('limited-model', 'ERROR')]));
    expect(attempts(spans)).toEqual([
      ['down-model', 'primary', 'failure', 'service_unavailable', VERSION('exhausted')],
      ['limited-model', 'strategy:sequential', 'failure', 'rate_limit', VERSION('exhausted')],
    ]);
    expect(sessionAttributes(spans)).toMatchObject({ 'detour.outcome': 'exhausted', 'error.type': 'rate_limit', 'detour.attempts': 2 });
    expect(sessionAttributes(spans)['detour.final_model']).toBeUndefined();
  });

  it('an aborted session: the caller aborts while the primary hangs', async () => {
    const controller = new AbortController();
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    // Abort once the attempt is on the wire: the span exists, the request is in flight.
    const abortingHooks: TelemetryHooks = {
      sessionStarted(info) {
        const scope = hooks.sessionStarted(info);
        return {
          run: (fn) => scope.run(fn),
          attemptStarted(attempt) {
            const started = scope.attemptStarted(attempt);
            setImmediate(() => controller.abort());
            return started;
          },
          backoff: (delay, after) => scope.backoff(delay, after),
          skipped: (model, reason) => scope.skipped(model, reason),
          ended: (outcome, summary) => scope.ended(outcome, summary),
        };
      },
    };
    const aborting = await createExecutor({
      policies: createPolicySet(POLICIES),
      factory: new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: API_KEY }),
      telemetry: abortingHooks,
    });
    const error = await failureOf(aborting.generate({ policy: 'aborted', messages: [...messages], signal: controller.signal }));
    await aborting.close();
    expect(error.reason).toBe('aborted');
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual(session('aborted', 'ERROR', [client('hang-model', 'ERROR')]));
    expect(attempts(spans)).toEqual([['hang-model', 'primary', 'failure', 'aborted', VERSION('aborted')]]);
    expect(sessionAttributes(spans)).toMatchObject({ 'detour.outcome': 'aborted', 'detour.attempts': 1 });
  });

  it('a stream: same tree, the session marked as a stream, usage on the attempt', async () => {
    let text = '';
    for await (const event of executor.stream({ policy: 'fallback', messages: [...messages] })) {
      if (event.type === 'text-delta') text += event.text;
    }
    expect(text.length).toBeGreaterThan(0);
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual(session('fallback', 'UNSET', [client('down-model', 'ERROR'), client('limited-model', 'ERROR'), client('gemini-2.0-flash')]));
    expect(sessionAttributes(spans)).toMatchObject({ 'detour.stream': true, 'detour.outcome': 'success', 'detour.final_model': 'gemini' });
    const answered = spans.find((span) => span.name === 'generate_content gemini-2.0-flash')!;
    expect(answered.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('content capture: hooks made with captureContent record both sides; a request can opt out', async () => {
    const capturing = await createExecutor({
      policies: createPolicySet(POLICIES),
      factory: new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: API_KEY }),
      telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: true }),
    });
    try {
      const result = await capturing.generate({ policy: 'primary', messages: [...messages] });
      await capturing.generate({ policy: 'primary', messages: [{ role: 'user', content: 'private question' }], captureContent: false });
      const [captured, optedOut] = tracing.spans().filter((span) => span.name === 'chat gpt-4o');
      expect(JSON.parse(String(captured?.attributes['gen_ai.input.messages']))).toEqual([
        { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
      ]);
      expect(JSON.parse(String(captured?.attributes['gen_ai.output.messages']))).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: result.text }], finish_reason: 'stop' },
      ]);
      expect(optedOut?.attributes['gen_ai.input.messages']).toBeUndefined();
      expect(optedOut?.attributes['gen_ai.output.messages']).toBeUndefined();
      expect(spansAsJson(tracing.spans())).not.toContain('private question');
    } finally {
      await capturing.close();
    }
  });

  it('no span holds the API key, even when the provider echoes it back', async () => {
    const echo: Server = createServer((request, reply) => {
      request.resume();
      request.on('end', () => {
        const key = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
        reply
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}. Check it.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoing = await createExecutor({
      policies: createPolicySet(POLICIES),
      factory: new SelfManagingFallbackFactory({ baseUrlOverride: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`, apiKeyOverride: API_KEY }),
      telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: true }),
      captureContent: true,
    });
    try {
      const error = await failureOf(echoing.generate({ policy: 'primary', messages: [...messages] }));
      expect(error.lastError?.kind).toBe('authentication');
    } finally {
      await echoing.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
    const spans = tracing.spans();
    expect(spans.length).toBeGreaterThan(1);
    const json = spansAsJson(spans);
    expect(json).not.toContain('SECRET');
    expect(json).toContain('authentication');
    // Content capture was on: the prompt is there, the key still is not.
    expect(json).toContain('capital of France');
  });
});
