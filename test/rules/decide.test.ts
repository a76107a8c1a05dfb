import { describe, expect, it } from 'vitest';
import { decide, decideDetailed, decideWithEngine } from '../../src/rules/decide.js';
import { buildPolicy, failure, kindIs } from './policy-builder.js';

describe('decide: policy rules', () => {
  it('tries rules by priority (higher first), then file order; the first that matches decides', async () => {
    const policy = buildPolicy({
      rules: [
        { name: 'low-first-in-file', priority: 1, when: kindIs('rate_limit'), then: { fallback: ['gpt-3.5-turbo'] } },
        { name: 'high', priority: 50, when: kindIs('rate_limit'), then: { fallback: ['gemini-pro'] } },
        { name: 'high-later-in-file', priority: 50, when: kindIs('rate_limit'), then: { fallback: ['claude-instant'] } },
      ],
    });
    expect(await decide(policy, failure())).toMatchObject({ rule: 'high', source: 'rule', action: 'fallback', next: ['gemini-pro'] });
  });

  it('equal priorities keep file order', async () => {
    const policy = buildPolicy({
      rules: [
        { name: 'first', when: kindIs('rate_limit'), then: { fallback: ['claude-instant'] } },
        { name: 'second', when: kindIs('rate_limit'), then: { fallback: ['gemini-pro'] } },
      ],
    });
    expect((await decide(policy, failure())).rule).toBe('first');
  });

  it('a rule that does not match leaves the decision to the next rule, then the strategy', async () => {
    const policy = buildPolicy({
      rules: [
        {
          name: 'long-retry-after',
          when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'rate_limit' }, { fact: 'error.retry_after_ms', operator: 'greaterThan', value: 5000 }] },
          then: { fallback: ['claude-instant'], cooldownMs: 60_000 },
        },
      ],
    });
    const short = await decide(policy, failure({ 'error.retry_after_ms': 2000 }));
    expect(short.rule).toBe('strategy:sequential');
    const long = await decide(policy, failure({ 'error.retry_after_ms': 9000 }));
    expect(long).toMatchObject({ rule: 'long-retry-after', next: ['claude-instant'], cooldownMs: 60_000 });
  });

  it('rules run before the eligibility gate: a 400 fails unless a rule handles it', async () => {
    const tokenLimit = { 'error.kind': 'token_limit', 'error.type': 'TokenLimitError', 'error.status': 400 };
    const bare = buildPolicy();
    expect(await decide(bare, failure(tokenLimit))).toMatchObject({ action: 'fail', rule: 'gate:not-eligible', source: 'default' });
    const withRule = buildPolicy({ rules: [{ name: 'prompt-too-long', priority: 100, when: kindIs('token_limit'), then: { fallback: ['gemini-pro'] } }] });
    expect(await decide(withRule, failure(tokenLimit))).toMatchObject({ action: 'fallback', rule: 'prompt-too-long', next: ['gemini-pro'] });
  });

  it('the gate accepts an error by status code or by kind, type or provider code', async () => {
    const policy = buildPolicy({ fallbackOnStatusCodes: [529], fallbackOnErrors: ['TimeoutError', 'insufficient_quota'] });
    expect((await decide(policy, failure({ 'error.kind': 'overloaded', 'error.status': 529 }))).action).toBe('fallback');
    expect((await decide(policy, failure({ 'error.kind': 'timeout', 'error.status': null }))).action).toBe('fallback');
    expect((await decide(policy, failure({ 'error.kind': 'quota_exceeded', 'error.code': 'insufficient_quota' }))).action).toBe('fallback');
    expect((await decide(policy, failure({ 'error.kind': 'rate_limit', 'error.status': 429 }))).rule).toBe('gate:not-eligible');
  });

  it('fail: true ends the session', async () => {
    const policy = buildPolicy({ rules: [{ name: 'bad-request-is-final', when: kindIs('invalid_request'), then: { fail: true } }] });
    const decision = await decide(policy, failure({ 'error.kind': 'invalid_request', 'error.status': 400 }));
    expect(decision).toMatchObject({ action: 'fail', rule: 'bad-request-is-final', next: [], delayMs: 0 });
    expect(decision.explanation).toContain('bad-request-is-final');
  });

  it('an aborted call never falls back, whatever the rules say', async () => {
    const policy = buildPolicy({ rules: [{ name: 'anything', when: { all: [] }, then: { fallback: ['gemini-pro'] } }] });
    expect(await decide(policy, failure({ 'error.kind': 'aborted', 'error.status': null }))).toMatchObject({ action: 'fail', rule: 'gate:aborted' });
  });

  it('a disabled policy never falls back', async () => {
    expect(await decide(buildPolicy({ enabled: false }), failure())).toMatchObject({ action: 'fail', rule: 'gate:disabled' });
  });

  it('a sequential group named by a rule becomes all its members; a random group one member, the session\'s pick', async () => {
    const policy = buildPolicy({
      groups: { 'gpt-pool': { members: ['gpt-4o', 'gpt-3.5-turbo'] }, 'gpt-chain': { members: ['gpt-4o', 'gpt-3.5-turbo'], strategy: 'sequential' } },
      rules: [
        { name: 'to-pool', when: kindIs('timeout'), then: { fallback: ['gpt-pool', 'gemini-pro'] } },
        { name: 'to-chain', when: kindIs('overloaded'), then: { fallback: ['gpt-chain', 'gemini-pro'] } },
      ],
    });
    const facts = { 'error.status': null, 'attempt.model': 'claude-instant', 'session.tried': ['claude-instant'] };
    const picks = new Set<string>();
    for (let seed = 0; seed < 40; seed += 1) {
      const decision = await decide(policy, failure({ ...facts, 'error.kind': 'timeout' }), { seed });
      expect(decision.next).toHaveLength(2);
      expect(decision.next[1]).toBe('gemini-pro');
      picks.add(decision.next[0] as string);
      expect((await decide(policy, failure({ ...facts, 'error.kind': 'timeout' }), { seed })).next).toEqual(decision.next);
    }
    expect(picks).toEqual(new Set(['gpt-4o', 'gpt-3.5-turbo']));
    expect((await decide(policy, failure({ ...facts, 'error.kind': 'overloaded' }))).next).toEqual(['gpt-4o', 'gpt-3.5-turbo', 'gemini-pro']);
  });
});

describe('decide: tried models', () => {
  it('the strategy skips models already tried, the failed one included', async () => {
    const policy = buildPolicy();
    const decision = await decide(policy, failure({ 'attempt.model': 'claude-instant', 'session.tried': ['gpt-4o', 'claude-instant'] }));
    expect(decision.next).toEqual(['gpt-3.5-turbo', 'gemini-pro']);
  });

  it('a rule that names a tried model keeps it', async () => {
    const policy = buildPolicy({ rules: [{ name: 'back-to-4o', when: kindIs('rate_limit'), then: { fallback: ['gpt-4o', 'gemini-pro'] } }] });
    const decision = await decide(policy, failure({ 'attempt.model': 'gemini-pro', 'session.tried': ['gpt-4o', 'gemini-pro'] }));
    expect(decision.next).toEqual(['gpt-4o', 'gemini-pro']);
  });
});

describe('decide: retry', () => {
  const policy = buildPolicy({
    maxAttempts: 10,
    rules: [{ name: 'retry-overloaded', when: kindIs('overloaded'), then: { retry: { times: 2, delayMs: 250 } } }],
  });
  const overloaded = (tried: string[]) =>
    failure({ 'error.kind': 'overloaded', 'error.status': 529, 'attempt.model': tried[tried.length - 1], 'session.tried': tried });

  it('retries the same model `times` times, then falls through to the strategy', async () => {
    expect(await decide(policy, overloaded(['gpt-4o']))).toMatchObject({ action: 'retry', next: ['gpt-4o'], delayMs: 250, rule: 'retry-overloaded' });
    expect(await decide(policy, overloaded(['gpt-4o', 'gpt-4o']))).toMatchObject({ action: 'retry', next: ['gpt-4o'] });
    expect(await decide(policy, overloaded(['gpt-4o', 'gpt-4o', 'gpt-4o']))).toMatchObject({
      action: 'fallback',
      rule: 'strategy:sequential',
      next: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'],
    });
  });

  it('the budget counts attempts per model: the next model gets its own retries', async () => {
    expect(await decide(policy, overloaded(['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-3.5-turbo']))).toMatchObject({ action: 'retry', next: ['gpt-3.5-turbo'] });
  });
});

describe('decide: max_attempts', () => {
  it('fails once session.attempts reaches max_attempts, whatever the rules say', async () => {
    const policy = buildPolicy({ maxAttempts: 2, rules: [{ name: 'always', when: { all: [] }, then: { fallback: ['gemini-pro'] } }] });
    expect((await decide(policy, failure())).rule).toBe('always');
    const spent = await decide(policy, failure({ 'attempt.model': 'gemini-pro', 'session.tried': ['gpt-4o', 'gemini-pro'] }));
    expect(spent).toMatchObject({ action: 'fail', rule: 'limit:max_attempts', source: 'default' });
  });

  it('the last allowed attempt keeps the cooldown of the rule that would have matched', async () => {
    const policy = buildPolicy({
      maxAttempts: 2,
      rules: [
        { name: 'no-cooldown-for-timeouts', when: kindIs('timeout'), then: { fallback: ['gemini-pro'] } },
        { name: 'cool-rate-limited', when: kindIs('rate_limit'), then: { fallback: ['gemini-pro'], cooldownMs: 30_000 } },
      ],
    });
    const spent = { 'attempt.model': 'gemini-pro', 'session.tried': ['gpt-4o', 'gemini-pro'], 'session.attempts': 2 };
    const limited = await decide(policy, failure(spent));
    expect(limited).toMatchObject({ action: 'fail', rule: 'limit:max_attempts', source: 'default', cooldownMs: 30_000 });
    expect(limited.explanation).toContain('cool-rate-limited');
    // Before the limit the rule decides, with the same cooldown.
    expect(await decide(policy, failure())).toMatchObject({ rule: 'cool-rate-limited', cooldownMs: 30_000 });
    // A rule without a cooldown, or no rule at all, leaves none.
    expect((await decide(policy, failure({ ...spent, 'error.kind': 'timeout', 'error.status': null }))).cooldownMs).toBeNull();
    expect((await decide(policy, failure({ ...spent, 'error.kind': 'overloaded', 'error.status': 529 }))).cooldownMs).toBeNull();
  });

  it('the deadline keeps the matching rule\'s cooldown too, and the reference engine agrees', async () => {
    const policy = buildPolicy({
      deadlineMs: 1000,
      rules: [{ name: 'cool-rate-limited', when: kindIs('rate_limit'), then: { fallback: ['gemini-pro'], cooldownMs: 5_000 } }],
    });
    const late = failure({ 'session.elapsed_ms': 1500 });
    const fast = decideDetailed(policy, late);
    expect(fast.decision).toMatchObject({ action: 'fail', rule: 'limit:deadline', cooldownMs: 5_000 });
    const { detail } = await decideWithEngine(policy, late);
    expect(detail.decision).toEqual(fast.decision);
  });

  it('a plan (from a route) sets the budget', async () => {
    const policy = buildPolicy({ maxAttempts: 5 });
    const plan = { route: 'cheap', primary: 'gpt-4o', chain: ['gemini-pro'], maxAttempts: 1, strategy: 'sequential' as const, groupChoices: {}, seed: 0 };
    expect(await decide(policy, failure(), { plan })).toMatchObject({ action: 'fail', rule: 'limit:max_attempts' });
  });

  it('without a plan, decide finds the route from the request facts', async () => {
    const policy = buildPolicy({
      routes: [{ name: 'eu', when: { all: [{ fact: 'request.metadata.region', operator: 'equal', value: 'EU' }] }, then: { primaryModel: 'claude-instant', fallbackModels: ['gemini-pro'], maxAttempts: 2 } }],
    });
    const eu = failure({ 'attempt.model': 'claude-instant', 'attempt.provider': 'anthropic', 'request.metadata.region': 'EU' });
    expect(await decide(policy, eu)).toMatchObject({ action: 'fallback', next: ['gemini-pro'] });
    const euSpent = { ...eu, 'attempt.model': 'gemini-pro', 'session.tried': ['claude-instant', 'gemini-pro'], 'session.attempts': 2 };
    expect(await decide(policy, euSpent)).toMatchObject({ action: 'fail', rule: 'limit:max_attempts' });
  });
});

describe('decide: the decision explains itself', () => {
  it('names the rule and says what happens next', () => {
    const policy = buildPolicy();
    const { decision } = decideDetailed(policy, failure());
    expect(decision.explanation).toBe('No policy rule matched; strategy:sequential decided: fall back to gpt-3.5-turbo, claude-instant, gemini-pro after 0 ms.');
  });
});
