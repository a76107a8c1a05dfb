/**
 * Tools, structured output and reasoning through the executor, end to end
 * over the real SDKs and the simulator: an agent loop that falls back across
 * all three providers in the middle of a tool conversation, result-based
 * fallback (bad answers, not only errors), accepted cut-short answers, and
 * models skipped before any call when they lack a capability.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import type { Executor } from '../../src/executor/Executor.js';
import type { ExecutorStreamEvent } from '../../src/executor/types.js';
import type { Message, Tool } from '../../src/providers/spec.js';
import { explain } from '../../src/rules/explain.js';
import { runPolicyTests } from '../../src/rules/policy-tests.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { policyFrom } from './support.js';
import { requestsTo, simulatedExecutor, yamlPolicy } from './simulated.js';

const WEATHER: Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
};

const SCHEMA = { type: 'object', properties: { city: { type: 'string' }, temperature: { type: 'number' } }, required: ['city', 'temperature'] };

let sim: Simulator | undefined;
let executor: Executor | undefined;

afterEach(async () => {
  await executor?.close();
  await sim?.close();
  sim = undefined;
  executor = undefined;
});

async function start(models: Record<string, unknown>, policy: string): Promise<{ sim: Simulator; executor: Executor }> {
  sim = await startSimulator({ scenario: { models }, recordRequests: true });
  executor = simulatedExecutor(sim, yamlPolicy(policy));
  return { sim, executor };
}

function bodiesTo(simulator: Simulator, model: string): Record<string, unknown>[] {
  return simulator.requests().filter((request) => request.model === model).map((request) => request.body as Record<string, unknown>);
}

describe('an agent loop across providers', () => {
  test('turn 1: OpenAI 500 → Anthropic calls a tool; turn 2: Anthropic 429 → Google answers from the whole history, translated for each', async () => {
    const call = [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }];
    const { sim: simulator, executor: run } = await start(
      {
        'gpt-a': { faults: [{ type: 'server_error' }] },
        'claude-b': { tool_calls: call, faults: [{ type: 'rate_limit', when: { every: 2 } }] },
        'gemini-c': { tool_calls: call, reply: 'Sunny in Paris, 21 °C, for the next three days.' },
      },
      'primary_model: a\nfallback_models: [b, c]\nmax_attempts: 3\n',
    );
    const messages: Message[] = [
      { role: 'system', content: 'You are a weather assistant.' },
      { role: 'user', content: 'What is the weather in Paris for the next 3 days?' },
    ];

    const first = await run.generate({ policy: 'default', messages, tools: [WEATHER] });
    expect(first.model).toBe('b');
    expect(first.finishReason.unified).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: { city: 'Paris', days: 3 } }]);
    const callId = first.toolCalls[0]!.id;

    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'tool', content: [{ type: 'tool-result', id: callId, name: 'get_weather', result: { forecast: 'sunny', temperature: 21 } }] });
    const second = await run.generate({ policy: 'default', messages, tools: [WEATHER] });
    expect(second.model).toBe('c');
    expect(second.text).toBe('Sunny in Paris, 21 °C, for the next three days.');
    expect(second.toolCalls).toEqual([]);
    expect(second.session.attempts.map((attempt) => [attempt.model, attempt.error?.kind ?? null])).toEqual([
      ['a', 'service_unavailable'],
      ['b', 'rate_limit'],
      ['c', null],
    ]);

    // OpenAI, turn 2: the assistant's call and the tool's result, matched by id.
    const openai = bodiesTo(simulator, 'gpt-a')[1]!['messages'] as Record<string, unknown>[];
    expect(openai.map((message) => message['role'])).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(openai[2]).toMatchObject({ content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":3}' } }] });
    expect(openai[3]).toEqual({ role: 'tool', tool_call_id: callId, content: '{"forecast":"sunny","temperature":21}' });
    // Anthropic, turn 2: tool_use in the assistant turn, tool_result first in the next user turn.
    const anthropic = bodiesTo(simulator, 'claude-b')[1]!;
    expect(anthropic['system']).toBe('You are a weather assistant.');
    const turns = anthropic['messages'] as { role: string; content: unknown }[];
    expect(turns.map((turn) => turn.role)).toEqual(['user', 'assistant', 'user']);
    expect(turns[1]!.content).toEqual([{ type: 'tool_use', id: callId, name: 'get_weather', input: { city: 'Paris', days: 3 } }]);
    expect(turns[2]!.content).toEqual([{ type: 'tool_result', tool_use_id: callId, content: '{"forecast":"sunny","temperature":21}' }]);
    // Google: roles user / model / user, the call and its response matched by name.
    const google = bodiesTo(simulator, 'gemini-c')[0]!;
    const contents = google['contents'] as { role: string; parts: unknown[] }[];
    expect(contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
    expect(contents[1]!.parts).toEqual([{ functionCall: { name: 'get_weather', args: { city: 'Paris', days: 3 } } }]);
    expect(contents[2]!.parts).toEqual([{ functionResponse: { name: 'get_weather', response: { forecast: 'sunny', temperature: 21 } } }]);
    expect(JSON.stringify(google['tools'])).toContain('get_weather');
  });

  test('streamed: tool-call events reach the consumer, with the arguments in pieces', async () => {
    const { executor: run } = await start(
      { 'gpt-a': { chunks: 4, tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] } },
      'primary_model: a\n',
    );
    const events: ExecutorStreamEvent[] = [];
    for await (const event of run.stream({ policy: 'default', messages: [{ role: 'user', content: 'Weather?' }], tools: [WEATHER] })) events.push(event);
    const deltas = events.flatMap((event) => (event.type === 'tool-call-delta' ? [event.argumentsDelta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.find((event) => event.type === 'tool-call')).toMatchObject({ name: 'get_weather', arguments: { city: 'Paris', days: 3 }, model: 'a' });
    const finish = events[events.length - 1];
    expect(finish?.type === 'finish' && finish.result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: { city: 'Paris', days: 3 } }]);
  });
});

describe('fallback on bad answers', () => {
  test('invalid JSON from the primary → invalid_output → the next model answers valid JSON', async () => {
    const { sim: simulator, executor: run } = await start({ 'gpt-a': { json: 'invalid' }, 'claude-b': { json: 'valid' } }, 'primary_model: a\nfallback_models: [b]\noutput_checks: [empty, json_schema]\n');
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Weather as JSON' }], responseFormat: { type: 'json', schema: SCHEMA } });
    expect(result.model).toBe('b');
    expect(JSON.parse(result.text)).toEqual({ city: 'text', temperature: 1 });
    const failed = result.session.attempts[0]!;
    expect(failed.error).toMatchObject({ kind: 'invalid_output', type: 'InvalidOutputError', retryable: false });
    expect(failed.error?.message).toMatch(/does not fit the response schema/);
    expect(requestsTo(simulator, 'gpt-a')).toBe(1);
  });

  test('text that is not JSON at all is invalid_output too', async () => {
    const { executor: run } = await start({ 'gpt-a': { json: 'malformed' }, 'claude-b': { json: 'valid' } }, 'primary_model: a\nfallback_models: [b]\noutput_checks: [json_schema]\n');
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'JSON please' }], responseFormat: { type: 'json' } });
    expect(result.model).toBe('b');
    expect(result.session.attempts[0]?.error?.message).toMatch(/not valid JSON/);
  });

  test('an empty 200 → empty_response → fallback (the default output check)', async () => {
    const { executor: run } = await start({ 'gpt-a': { reply: '' } }, 'primary_model: a\nfallback_models: [c]\n');
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Hello?' }] });
    expect(result.model).toBe('c');
    expect(result.session.attempts[0]?.error?.kind).toBe('empty_response');
  });

  test('an empty streamed answer falls back before anything reached the consumer', async () => {
    const { executor: run } = await start({ 'claude-b': { reply: '' } }, 'primary_model: b\nfallback_models: [a]\n');
    const events: ExecutorStreamEvent[] = [];
    for await (const event of run.stream({ policy: 'default', messages: [{ role: 'user', content: 'Hello?' }] })) events.push(event);
    expect(events.find((event) => event.type === 'attempt-failed')).toMatchObject({ model: 'b', phase: 'before_first_chunk', error: { kind: 'empty_response' } });
    const finish = events[events.length - 1];
    expect(finish?.type === 'finish' && finish.result.model).toBe('a');
  });

  test('a malformed 200 body falls back too (a server fault)', async () => {
    const { executor: run } = await start({ 'gpt-a': { faults: [{ type: 'malformed_json' }] } }, 'primary_model: a\nfallback_models: [c]\n');
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Hello?' }] });
    expect(result.model).toBe('c');
    expect(result.session.attempts[0]?.error?.code).toBe('malformed_response');
  });

  test('tool-call arguments that fail the tool schema → invalid_output → fallback', async () => {
    const { executor: run } = await start(
      {
        'gpt-a': { tool_calls: [{ name: 'get_weather', arguments: { city: 7 } }] },
        'claude-b': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 2 } }] },
      },
      'primary_model: a\nfallback_models: [b]\noutput_checks: [empty, tool_arguments]\n',
    );
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Weather?' }], tools: [WEATHER] });
    expect(result.model).toBe('b');
    expect(result.session.attempts[0]?.error?.message).toMatch(/arguments of get_weather .* do not fit its schema/);
  });

  test('a refusal → refusal → fallback, when the policy checks for it', async () => {
    const { executor: run } = await start({ 'gpt-a': { refusal: 'I cannot help with that.' } }, 'primary_model: a\nfallback_models: [c]\noutput_checks: [refusal, empty]\n');
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Hello?' }] });
    expect(result.model).toBe('c');
    expect(result.session.attempts[0]?.error).toMatchObject({ kind: 'refusal', message: 'The model refused: I cannot help with that.' });
  });

  test('a rule can fail the session on a bad answer instead', async () => {
    const { executor: run } = await start(
      { 'gpt-a': { json: 'invalid' } },
      'primary_model: a\nfallback_models: [b]\noutput_checks: [json_schema]\nrules:\n  - name: bad-json-is-final\n    when: { all: [ { fact: error.kind, operator: equal, value: invalid_output } ] }\n    then: { fail: true }\n',
    );
    const error = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'JSON' }], responseFormat: { type: 'json', schema: SCHEMA } }).catch((thrown: unknown) => thrown);
    expect(LLMFallbackError.isInstance(error) && error.lastError?.kind).toBe('invalid_output');
  });
});

describe('accepted cut-short answers', () => {
  test('accept: [content_filter] returns the filtered answer instead of failing over', async () => {
    const { executor: run } = await start({ 'gpt-a': { chunks: 4, faults: [{ type: 'filtered', after_chunks: 2 }] } }, 'primary_model: a\nfallback_models: [c]\naccept: [content_filter, length]\n');
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Tell me a story' }] });
    expect(result.model).toBe('a');
    expect(result.finishReason.unified).toBe('content_filter');
    expect(result.text).not.toBe('');
  });

  test('accept without length: a length cut fails as token_limit and falls back', async () => {
    const { executor: run } = await start({ 'gpt-a': { faults: [{ type: 'truncated' }] } }, 'primary_model: a\nfallback_models: [c]\naccept: []\nfallback_on_errors: [token_limit]\n');
    const result = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Tell me a story' }] });
    expect(result.model).toBe('c');
    expect(result.session.attempts[0]?.error?.kind).toBe('token_limit');
  });
});

describe('capabilities', () => {
  test('a model without the capability is skipped before any call, recorded with the reason', async () => {
    const simulator = (sim = await startSimulator({ scenario: { models: {} } }));
    const yaml = yamlPolicy('primary_model: a2\nfallback_models: [c]\n').replace('a2: { provider: openai, model: gpt-a2 }', 'a2: { provider: openai, model: gpt-a2, capabilities: [tools] }');
    const run = (executor = simulatedExecutor(simulator, yaml));
    const result = await run.generate({
      policy: 'default',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', image: 'https://example.com/cat.png' }] }],
    });
    expect(result.model).toBe('c');
    const skipped = result.session.attempts[0]!;
    expect(skipped).toMatchObject({ model: 'a2', outcome: 'skipped', reason: 'the request needs images; the model declares tools' });
    expect(skipped.error?.kind).toBe('invalid_request');
    expect(requestsTo(simulator, 'gpt-a2')).toBe(0);
    expect(simulator.counts().models['gemini-c']?.images).toBe(1);
  });

  test('routes can test the new request facts', async () => {
    const { executor: run } = await start(
      {},
      'primary_model: a\nfallback_models: []\nroutes:\n  - name: tools-go-to-claude\n    when: { all: [ { fact: request.has_tools, operator: equal, value: true } ] }\n    then: { primary_model: b }\n',
    );
    const withTools = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER] });
    expect(withTools.model).toBe('b');
    const plain = await run.generate({ policy: 'default', messages: [{ role: 'user', content: 'Hi' }] });
    expect(plain.model).toBe('a');
  });
});

describe('explain and test know the new kinds', () => {
  const policy = policyFrom(
    yamlPolicy(
      'primary_model: a\nfallback_models: [b, c]\noutput_checks: [empty, json_schema]\nrules:\n  - name: bad-json-to-gemini\n    when: { all: [ { fact: error.kind, operator: equal, value: invalid_output } ] }\n    then: { fallback: [c] }\ntests:\n  - name: invalid JSON goes to gemini\n    given: { error.kind: invalid_output, attempt.model: a }\n    expect: { rule: bad-json-to-gemini, action: fallback, next: [c] }\n  - name: an empty answer falls back in order\n    given: { error.kind: empty_response, attempt.model: a }\n    expect: { action: fallback, next: [b, c] }\n',
    ),
  );

  test('detour test: policy tests on invalid_output and empty_response pass', () => {
    expect(runPolicyTests(policy).map((result) => [result.test, result.passed, result.problems])).toEqual([
      ['invalid JSON goes to gemini', true, []],
      ['an empty answer falls back in order', true, []],
    ]);
  });

  test('detour explain: a refusal is outside this policy\'s checks and gate, an invalid output is ruled', async () => {
    const ruled = await explain(policy, { 'error.kind': 'invalid_output', 'attempt.model': 'a' });
    expect(ruled).toMatchObject({ mode: 'decision', decision: { rule: 'bad-json-to-gemini', next: ['c'] } });
    const refused = await explain(policy, { 'error.kind': 'refusal', 'attempt.model': 'a' });
    expect(refused).toMatchObject({ mode: 'decision', decision: { action: 'fail' } });
  });
});
