import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import { decide } from '../../src/rules/decide.js';
import { buildFailureFacts } from '../../src/rules/facts.js';
import { runPolicyTestPaths, runPolicyTests } from '../../src/rules/policy-tests.js';

const root = path.resolve(import.meta.dirname, '../..');

const YAML = `version: 1
name: loaded
models:
  gpt-4o: { provider: openai }
  claude-instant: { provider: anthropic, model: claude-3-5-haiku-latest }
  gemini-pro: { provider: google, model: gemini-2.0-flash }
primary_model: gpt-4o
fallback_models: [claude-instant, gemini-pro]
base_delay: 1s
max_delay: 8s
jitter: true
backoff: every_attempt
rules:
  - name: retry-brief-overload
    when: { any: [ { fact: error.message, operator: matches, value: "(?i)overloaded" } ] }
    then: { retry: { times: 1, delay: 250ms } }
tests:
  - name: one quick retry
    given: { error.kind: overloaded, error.status: 529, error.message: Model OVERLOADED }
    expect: { rule: retry-brief-overload, action: retry, next: [gpt-4o], delay_ms: { min: 250, max: 250 } }
  - name: the jitter window must fit the bounds
    given: { error.kind: timeout, attempt.model: claude-instant }
    expect: { action: fallback, next: [gemini-pro], delay_ms: { max: 1000 } }
`;

describe('policy tests runner, on policies from the loader', () => {
  const loaded = parsePolicy(YAML, 'loaded.yaml');

  it('loads, decides with the YAML semantics ((?i) patterns, durations)', async () => {
    expect(loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    const policy = loaded.policy;
    if (!policy) throw new Error('did not load');
    const decision = await decide(
      policy,
      buildFailureFacts({
        error: { kind: 'overloaded', type: 'OverloadedError', status: 529, code: 'overloaded_error', message: 'Overloaded', retryAfterMs: null, retryable: true, provider: 'anthropic', sdkError: 'OverloadedError' },
        attempt: { model: 'claude-instant', provider: 'anthropic', number: 2 },
        session: { attempts: 2, elapsedMs: 900, tried: ['gpt-4o', 'claude-instant'] },
        streamPhase: 'none',
        request: {},
      }),
    );
    expect(decision).toMatchObject({ action: 'retry', next: ['claude-instant'], delayMs: 250, rule: 'retry-brief-overload' });
  });

  it('passes a case that holds and reports, with its line, one whose jitter window overflows the bounds', () => {
    const policy = loaded.policy;
    if (!policy) throw new Error('did not load');
    const results = runPolicyTests(policy);
    expect(results[0]).toMatchObject({ test: 'one quick retry', passed: true, kind: 'decision' });
    // claude-instant is the second model: 2 attempts so far, window 1s·2 = 2000 ms, jittered from 0.
    expect(results[1]).toMatchObject({ passed: false, line: YAML.split('\n').findIndex((line) => line.includes('jitter window must fit')) + 1 });
    expect(results[1]?.problems).toEqual(['expected delay_ms in 0..1000, got 0..2000 (jitter window)']);
  });

  it("every example policy's tests pass", async () => {
    const run = await runPolicyTestPaths([path.join(root, 'policies')]);
    expect(run.loadErrors).toEqual([]);
    expect(run.results.filter((result) => !result.passed)).toEqual([]);
    expect(run.passed).toBeGreaterThan(10);
  });
});
