/**
 * An attempt whose adapter cannot be built (a missing API key) counts like
 * any other attempt, so it has a span like any other: real OpenTelemetry SDK,
 * in-memory exporter, the real factory with an empty environment.
 */
import { context } from '@opentelemetry/api';
import { afterAll, afterEach, expect, test } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import type { FallbackAttempt } from '../../src/stats/FallbackAttempt.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import type { AdapterSource } from '../../src/providers/factory.js';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { createTracing, spanTree } from '../telemetry/sdk.js';
import { FakeFactory, policyFrom, setOf } from './support.js';

const tracing = createTracing();

afterEach(() => tracing.exporter.reset());
afterAll(async () => {
  await tracing.shutdown();
  context.disable();
});

const POLICY = `
version: 1
name: keys
provider_config:
  openai: { api_key_env: DETOUR_TEST_OPENAI_KEY }
  gemini: { type: google, api_key_env: DETOUR_TEST_GEMINI_KEY }
models:
  a: { provider: openai, model: gpt-4o }
  g: { provider: gemini, model: gemini-2.0-flash }
  b: { provider: openai, model: gpt-4o-mini }
primary_model: a
fallback_models: [g, b]
fallback_on_errors: [authentication]
max_attempts: 3
base_delay: 0
jitter: false
`;

test('a missing key: the attempt has a CLIENT span with error.type authentication, its provider and number', async () => {
  const failed: FallbackAttempt[] = [];
  const executor = new Executor({
    policies: setOf(policyFrom(POLICY)),
    factory: new SelfManagingFallbackFactory({ env: {} }),
    telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }),
    logger: { logAttemptFailed: (attempt) => void failed.push(attempt) },
  });
  const error = await executor.generate({ policy: 'keys', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
  expect(LLMFallbackError.isInstance(error) && error.attempts.map((attempt) => [attempt.number, attempt.error?.kind])).toEqual([
    [1, 'authentication'],
    [2, 'authentication'],
    [3, 'authentication'],
  ]);
  expect(failed.map((attempt) => attempt.model)).toEqual(['a', 'g', 'b']);
  const spans = tracing.spans();
  expect(spanTree(spans)).toEqual([
    {
      name: 'detour.session keys',
      kind: 'INTERNAL',
      status: 'ERROR',
      children: [
        { name: 'chat gpt-4o', kind: 'CLIENT', status: 'ERROR', children: [] },
        { name: 'generate_content gemini-2.0-flash', kind: 'CLIENT', status: 'ERROR', children: [] },
        { name: 'chat gpt-4o-mini', kind: 'CLIENT', status: 'ERROR', children: [] },
      ],
    },
  ]);
  const gemini = spans.find((span) => span.name === 'generate_content gemini-2.0-flash');
  expect(gemini?.attributes).toMatchObject({
    'error.type': 'authentication',
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.request.model': 'gemini-2.0-flash',
    'detour.attempt.number': 2,
    'detour.attempt.reason': 'strategy:sequential',
  });
  expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain('DETOUR_TEST_OPENAI_KEY=');
});

test('the next model answers: the unavailable attempt and the answering one are sibling spans', async () => {
  const real = new SelfManagingFallbackFactory({ env: {} });
  const fake = new FakeFactory({});
  const factory: AdapterSource = { getAdapter: (policy, model) => (model === 'a' ? real : fake).getAdapter(policy, model) };
  const executor = new Executor({ policies: setOf(policyFrom(POLICY)), factory, telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }) });
  const result = await executor.generate({ policy: 'keys', messages: [{ role: 'user', content: 'hi' }] });
  expect(result.model).toBe('g');
  expect(spanTree(tracing.spans())).toEqual([
    {
      name: 'detour.session keys',
      kind: 'INTERNAL',
      status: 'UNSET',
      children: [
        { name: 'chat gpt-4o', kind: 'CLIENT', status: 'ERROR', children: [] },
        { name: 'chat gemini-2.0-flash', kind: 'CLIENT', status: 'UNSET', children: [] },
      ],
    },
  ]);
});
