import { describe, expect, it } from 'vitest';
import { decide } from '../../src/rules/decide.js';
import { mulberry32 } from '../../src/rules/random.js';
import { buildPolicy, failure } from './policy-builder.js';

describe('strategies order the next models (DESIGN §2 table)', () => {
  it('sequential: fallback_models in order, tried ones skipped', async () => {
    const policy = buildPolicy({ strategyType: 'sequential' });
    const first = await decide(policy, failure());
    expect(first).toMatchObject({ action: 'fallback', next: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'], rule: 'strategy:sequential', source: 'strategy' });
    const second = await decide(policy, failure({ 'attempt.model': 'gpt-3.5-turbo', 'session.tried': ['gpt-4o', 'gpt-3.5-turbo'] }));
    expect(second.next).toEqual(['claude-instant', 'gemini-pro']);
  });

  it('sequential: a chain with nothing left fails', async () => {
    const policy = buildPolicy({ maxAttempts: 10 });
    const decision = await decide(policy, failure({ 'attempt.model': 'gemini-pro', 'session.tried': ['gpt-4o', 'gpt-3.5-turbo', 'claude-instant', 'gemini-pro'] }));
    expect(decision).toMatchObject({ action: 'fail', next: [], rule: 'strategy:sequential' });
    expect(decision.explanation).toContain('every model in the chain has been tried');
  });

  it('priority: the mapped models for this error first, then the rest of fallback_models', async () => {
    const policy = buildPolicy({
      strategyType: 'priority',
      errorMappings: { RateLimitError: ['gemini-pro', 'claude-instant'], timeout: ['gpt-3.5-turbo'] },
    });
    const rateLimited = await decide(policy, failure());
    expect(rateLimited).toMatchObject({ rule: 'strategy:priority:RateLimitError', next: ['gemini-pro', 'claude-instant', 'gpt-3.5-turbo'] });
    const timedOut = await decide(policy, failure({ 'error.kind': 'timeout', 'error.type': 'TimeoutError', 'error.status': null }));
    expect(timedOut).toMatchObject({ rule: 'strategy:priority:timeout', next: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'] });
    const unmapped = await decide(policy, failure({ 'error.kind': 'service_unavailable', 'error.status': 503 }));
    expect(unmapped).toMatchObject({ rule: 'strategy:priority', next: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'] });
  });

  it('priority: mapped models already tried are skipped', async () => {
    const policy = buildPolicy({ strategyType: 'priority', errorMappings: { rate_limit: ['gemini-pro', 'claude-instant'] } });
    const decision = await decide(policy, failure({ 'attempt.model': 'gemini-pro', 'session.tried': ['gpt-4o', 'gemini-pro'] }));
    expect(decision.next).toEqual(['claude-instant', 'gpt-3.5-turbo']);
  });

  it('error_type: only the mapped models; no mapping fails the session', async () => {
    const policy = buildPolicy({ strategyType: 'error_type', errorMappings: { RateLimitError: ['claude-instant'] } });
    expect(await decide(policy, failure())).toMatchObject({ action: 'fallback', next: ['claude-instant'], rule: 'strategy:error_type:RateLimitError' });
    const unmapped = await decide(policy, failure({ 'error.kind': 'timeout', 'error.type': 'TimeoutError', 'error.status': null }));
    expect(unmapped).toMatchObject({ action: 'fail', rule: 'strategy:error_type:no-mapping', next: [] });
  });

  it('random: a seeded shuffle of fallback_models, reproducible, every order reachable', async () => {
    const policy = buildPolicy({ strategyType: 'random' });
    const one = await decide(policy, failure(), { seed: 7 });
    const again = await decide(policy, failure(), { seed: 7 });
    expect(one.next).toEqual(again.next);
    expect([...one.next].sort()).toEqual(['claude-instant', 'gemini-pro', 'gpt-3.5-turbo']);
    const orders = new Set<string>();
    for (let seed = 0; seed < 200; seed += 1) orders.add((await decide(policy, failure(), { seed })).next.join(','));
    expect(orders.size).toBe(6);
  });

  it('random with weights: a weighted pick without replacement', async () => {
    const policy = buildPolicy({ strategyType: 'random', weights: { 'gpt-3.5-turbo': 8, 'claude-instant': 1, 'gemini-pro': 1 } });
    let heavyFirst = 0;
    const runs = 2000;
    for (let seed = 0; seed < runs; seed += 1) {
      const decision = await decide(policy, failure(), { seed });
      expect(new Set(decision.next).size).toBe(3);
      if (decision.next[0] === 'gpt-3.5-turbo') heavyFirst += 1;
    }
    expect(heavyFirst / runs).toBeGreaterThan(0.77);
    expect(heavyFirst / runs).toBeLessThan(0.83);
  });

  it('random with a plan: the plan already shuffled the chain for the session, decide keeps its order', async () => {
    const policy = buildPolicy({ strategyType: 'random' });
    const plan = { route: null, primary: 'gpt-4o', chain: ['gemini-pro', 'gpt-3.5-turbo', 'claude-instant'], maxAttempts: 4, strategy: 'random' as const, groupChoices: {}, seed: 0 };
    const decision = await decide(policy, failure(), { plan, random: mulberry32(1) });
    expect(decision.next).toEqual(['gemini-pro', 'gpt-3.5-turbo', 'claude-instant']);
  });

  it('parallel: the same chain, with strategy parallel for the executor', async () => {
    const policy = buildPolicy({ strategyType: 'parallel', parallel: { width: 2, timeoutMs: null } });
    expect(await decide(policy, failure())).toMatchObject({
      rule: 'strategy:parallel',
      strategy: 'parallel',
      next: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'],
    });
  });

  it('conditional: falls back only when one of the conditions holds (kinds, seed predicates, fact conditions)', async () => {
    const policy = buildPolicy({
      strategyType: 'conditional',
      conditions: ['timeout', 'on_rate_limit', { fact: 'error.message', operator: 'matches', value: '(?i)overloaded' }],
    });
    expect(await decide(policy, failure())).toMatchObject({ action: 'fallback', rule: 'strategy:conditional' });
    const overloaded = await decide(policy, failure({ 'error.kind': 'service_unavailable', 'error.status': 503, 'error.message': 'The model is OVERLOADED' }));
    expect(overloaded).toMatchObject({ action: 'fallback', rule: 'strategy:conditional' });
    const plain = await decide(policy, failure({ 'error.kind': 'service_unavailable', 'error.status': 503, 'error.message': 'bad gateway' }));
    expect(plain).toMatchObject({ action: 'fail', rule: 'strategy:conditional:no-condition' });
  });

  it('a rule may switch the strategy used for its chain', async () => {
    const policy = buildPolicy({
      rules: [{ name: 'go-wide', when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'timeout' }] }, then: { strategy: 'parallel' } }],
    });
    const decision = await decide(policy, failure({ 'error.kind': 'timeout', 'error.status': null }));
    expect(decision).toMatchObject({ rule: 'go-wide', strategy: 'parallel', next: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'] });
  });
});
