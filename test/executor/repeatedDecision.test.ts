/**
 * Sessions that fail alike (an outage's identical errors give the very same
 * fact object) reuse the decision made on that fact at the same place of a
 * session — but only where nothing else could change it. Each test makes
 * such a decision, then asks again about the same fact at the same place
 * where something the decision must read differs: it must be decided afresh.
 */
import { describe, expect, it } from 'vitest';
import { decideNext, type FailedCall, type SessionSoFar } from '../../src/executor/decideNext.js';
import { Executor } from '../../src/executor/Executor.js';
import type { SessionServices } from '../../src/executor/services.js';
import type { Plan } from '../../src/rules/types.js';
import { BASE_POLICY, FakeFactory, fact, policyFrom, setOf } from './support.js';

/** One fact object for every failure, as the classifiers give for identical errors. */
const outage = fact('service_unavailable', { status: 500 });
const messages = [{ role: 'user' as const, content: 'hi' }];

describe('decideNext on the same failure at the same place', () => {
  const policy = policyFrom(BASE_POLICY);
  const plan: Plan = { route: null, primary: 'a', chain: ['b', 'c'], maxAttempts: 3, strategy: policy.strategyType, groupChoices: {}, seed: 0 };
  let draws = 0;
  let draw = 0.5;
  let now = 0;
  const services = {
    clock: { now: () => now },
    random: () => {
      draws++;
      return draw;
    },
    logger: null,
    sticky: undefined,
    cooldowns: { turn: () => 0 },
  } as unknown as SessionServices;
  const failed = (over: Partial<FailedCall> = {}): FailedCall => ({ model: 'a', provider: 'openai', fact: outage, number: 1, phase: 'none', ...over });
  const soFar = (over: Partial<SessionSoFar> = {}): SessionSoFar => ({
    plan,
    seed: 1,
    sent: 1,
    failures: 1,
    waitedMs: 0,
    startTime: 0,
    tried: ['a'],
    request: { ruleFacts: () => ({}) as never, estimatedInputTokens: () => 1 },
    fallbackWhen: undefined,
    ...over,
  });

  it('gives the same decision object again, and a decision of its own for anything that differs', () => {
    const first = decideNext(policy, services, failed(), soFar());
    expect(first).toMatchObject({ action: 'fallback', next: ['b', 'c'], delayMs: 0 });
    expect(decideNext(policy, services, failed(), soFar())).toBe(first);
    const variants: Array<[string, () => ReturnType<typeof decideNext>]> = [
      ['another fact object, equal in content', () => decideNext(policy, services, failed({ fact: { ...outage } }), soFar())],
      ['another failed model', () => decideNext(policy, services, failed({ model: 'b' }), soFar({ tried: ['b'] }))],
      ['another tried list', () => decideNext(policy, services, failed(), soFar({ tried: ['c', 'a'], sent: 2 }))],
      ['another attempt number', () => decideNext(policy, services, failed({ number: 2 }), soFar())],
      ['another plan', () => decideNext(policy, services, failed(), soFar({ plan: { ...plan, chain: ['c'] } }))],
      ['another policy', () => decideNext(policyFrom(BASE_POLICY), services, failed(), soFar())],
    ];
    for (const [what, decide] of variants) {
      decideNext(policy, services, failed(), soFar());
      expect(decide(), what).not.toBe(first);
    }
    // The tried list is the session's own array, which grows after the decision: what was kept is a copy.
    const tried = ['a'];
    const overloaded = fact('overloaded');
    const kept = decideNext(policy, services, failed({ fact: overloaded }), soFar({ tried }));
    tried.push('b');
    expect(decideNext(policy, services, failed({ fact: overloaded }), soFar({ tried }))).not.toBe(kept);
  });

  it('decides afresh when the policy has a deadline: the clock is one of its facts', () => {
    const timed = policyFrom(`${BASE_POLICY}deadline: 1s\n`);
    now = 0;
    expect(decideNext(timed, services, failed(), soFar())).toMatchObject({ action: 'fallback', next: ['b', 'c'] });
    now = 2_000;
    expect(decideNext(timed, services, failed(), soFar())).toMatchObject({ action: 'fail', rule: 'limit:deadline' });
    now = 0;
  });

  it('keeps no decision that drew at random or waits, nor one a fallbackWhen could change', () => {
    // A wait before every attempt, jittered: a draw of 0 waits 0 ms, but the next draw may not.
    const jittered = policyFrom(`${BASE_POLICY.replace('base_delay: 0', 'base_delay: 1s').replace('jitter: false', 'jitter: true')}backoff: every_attempt\n`);
    draws = 0;
    draw = 0;
    const drawnZero = decideNext(jittered, services, failed(), soFar());
    expect([drawnZero.action, drawnZero.delayMs, draws]).toEqual(['fallback', 0, 1]);
    draw = 0.5;
    const waits = decideNext(jittered, services, failed(), soFar());
    expect([waits.delayMs, draws]).toEqual([500, 2]);
    expect(decideNext(jittered, services, failed(), soFar())).not.toBe(waits);
    expect(draws).toBe(3);
    const when = () => false;
    const withPredicate = decideNext(policy, services, failed(), soFar({ fallbackWhen: when }));
    expect(decideNext(policy, services, failed(), soFar({ fallbackWhen: when }))).not.toBe(withPredicate);
  });
});

describe('sessions that fail alike', () => {
  it('a rule on the request: each session is decided on its own request', async () => {
    const rule = 'rules:\n  - name: long-prompts-to-c\n    when: { all: [ { fact: request.estimated_input_tokens, operator: greaterThan, value: 100 } ] }\n    then: { fallback: [c] }\n';
    const factory = new FakeFactory({ a: [{ error: outage }] });
    const executor = new Executor({ policies: setOf(policyFrom(`${BASE_POLICY}${rule}`)), factory });
    const short = await executor.generate({ policy: 'default', messages });
    const long = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'word '.repeat(2_000) }] });
    expect([short.model, long.model]).toEqual(['b', 'c']);
  });

  it('a reloaded policy: the next session follows the new chain', async () => {
    const factory = new FakeFactory({ a: [{ error: outage }] });
    // A source whose set is replaced, as a watcher's is on reload.
    let set = setOf(policyFrom(BASE_POLICY));
    const executor = new Executor({ policies: { current: () => set }, factory });
    expect((await executor.generate({ policy: 'default', messages })).model).toBe('b');
    set = setOf(policyFrom(BASE_POLICY.replace('fallback_models: [b, c]', 'fallback_models: [c, b]')));
    expect((await executor.generate({ policy: 'default', messages })).model).toBe('c');
  });
});
