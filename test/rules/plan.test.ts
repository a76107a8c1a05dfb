import { describe, expect, it } from 'vitest';
import { buildRequestFacts } from '../../src/rules/facts.js';
import { planRequest } from '../../src/rules/plan.js';
import { mulberry32 } from '../../src/rules/random.js';
import { MemoryStickyStore } from '../../src/rules/sticky.js';
import { buildPolicy } from './policy-builder.js';

const regionIs = (region: string) => ({ all: [{ fact: 'request.metadata.region', operator: 'equal', value: region }] });

const policy = buildPolicy({
  groups: {
    'gpt-pool': { members: ['gpt-4o', 'gpt-3.5-turbo'], strategy: 'random', weights: { 'gpt-4o': 3, 'gpt-3.5-turbo': 1 } },
  },
  routes: [
    { name: 'eu-users-stay-in-eu', when: regionIs('EU'), then: { primaryModel: 'claude-instant', fallbackModels: ['gemini-pro'] } },
    { name: 'free-tier-is-cheap', when: { all: [{ fact: 'request.metadata.tier', operator: 'equal', value: 'free' }] }, then: { primaryModel: 'gpt-pool', fallbackModels: [], maxAttempts: 2 } },
    { name: 'eu-shadowed', when: regionIs('EU'), then: { primaryModel: 'gemini-pro' } },
  ],
});

describe('planRequest: routes', () => {
  it('the first matching route chooses the plan', () => {
    const plan = planRequest(policy, buildRequestFacts({ metadata: { region: 'EU', tier: 'free' } }));
    expect(plan).toMatchObject({ route: 'eu-users-stay-in-eu', primary: 'claude-instant', chain: ['gemini-pro'], maxAttempts: 3, strategy: 'sequential' });
  });

  it('no route matches: the policy default plan', () => {
    const plan = planRequest(policy, buildRequestFacts({ metadata: { region: 'US' } }));
    expect(plan).toEqual({
      route: null,
      primary: 'gpt-4o',
      chain: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'],
      maxAttempts: 3,
      strategy: 'sequential',
      groupChoices: {},
      seed: expect.any(Number),
    });
  });

  it('a route may change the budget and resolves a group to a member', () => {
    const plan = planRequest(policy, buildRequestFacts({ metadata: { tier: 'free' } }), { random: mulberry32(5) });
    expect(plan.route).toBe('free-tier-is-cheap');
    expect(plan.maxAttempts).toBe(2);
    expect(['gpt-4o', 'gpt-3.5-turbo']).toContain(plan.primary);
    expect(plan.groupChoices).toEqual({ 'gpt-pool': plan.primary });
  });

  it('a random strategy shuffles the chain once per session, reproducibly with a seed', () => {
    const randomPolicy = buildPolicy({ strategyType: 'random' });
    const facts = buildRequestFacts({});
    const one = planRequest(randomPolicy, facts, { random: mulberry32(21) });
    const two = planRequest(randomPolicy, facts, { random: mulberry32(21) });
    expect(one.chain).toEqual(two.chain);
    expect([...one.chain].sort()).toEqual(['claude-instant', 'gemini-pro', 'gpt-3.5-turbo']);
  });
});

describe('planRequest: weighted groups', () => {
  it('10,000 seeded picks land within 2% of the weights', () => {
    const random = mulberry32(2024);
    const sticky = new MemoryStickyStore();
    const counts: Record<string, number> = { 'gpt-4o': 0, 'gpt-3.5-turbo': 0 };
    const facts = buildRequestFacts({ metadata: { tier: 'free' } });
    for (let index = 0; index < 10_000; index += 1) {
      const plan = planRequest(policy, facts, { random, sticky });
      counts[plan.primary] = (counts[plan.primary] ?? 0) + 1;
    }
    expect(Math.abs((counts['gpt-4o'] ?? 0) / 10_000 - 0.75)).toBeLessThan(0.02);
    expect(Math.abs((counts['gpt-3.5-turbo'] ?? 0) / 10_000 - 0.25)).toBeLessThan(0.02);
  });

  it('a sequential group stands for all its members in order', () => {
    const sequential = buildPolicy({ groups: { pool: { members: ['gemini-pro', 'gpt-4o'], strategy: 'sequential' } }, primaryModel: 'pool', fallbackModels: ['pool', 'claude-instant'] });
    const plan = planRequest(sequential, buildRequestFacts({}));
    expect(plan).toMatchObject({ primary: 'gemini-pro', chain: ['gpt-4o', 'claude-instant'], groupChoices: {} });
  });

  it('nested groups resolve the same way: a random pick inside a sequential group, and the reverse', () => {
    const nested = buildPolicy({
      groups: {
        pair: { members: ['gpt-4o', 'gpt-3.5-turbo'], strategy: 'random' },
        outer: { members: ['pair', 'gemini-pro'], strategy: 'sequential' },
      },
      primaryModel: 'outer',
      fallbackModels: ['claude-instant'],
    });
    for (let seed = 0; seed < 20; seed += 1) {
      const plan = planRequest(nested, buildRequestFacts({}), { seed });
      expect(['gpt-4o', 'gpt-3.5-turbo']).toContain(plan.primary);
      expect(plan.chain).toEqual(['gemini-pro', 'claude-instant']);
      expect(plan.groupChoices).toEqual({ pair: plan.primary });
      expect(planRequest(nested, buildRequestFacts({}), { seed })).toEqual(plan);
    }
  });
});

describe('planRequest: sticky groups', () => {
  const stickyPolicy = buildPolicy({
    primaryModel: 'gpt-pool',
    fallbackModels: ['gemini-pro'],
    groups: { 'gpt-pool': { members: ['gpt-4o', 'gpt-3.5-turbo'], weights: { 'gpt-4o': 1, 'gpt-3.5-turbo': 1 }, sticky: { key: 'request.metadata.user_id', ttlMs: 3_600_000 } } },
  });

  it('the same key stays on the same member until the ttl ends (fake clock)', () => {
    let now = 1_000_000;
    const sticky = new MemoryStickyStore();
    const random = mulberry32(77);
    const options = { random, sticky, now: () => now };
    const alice = buildRequestFacts({ metadata: { user_id: 'alice' } });
    const first = planRequest(stickyPolicy, alice, options).primary;
    for (let minute = 1; minute < 60; minute += 1) {
      now = 1_000_000 + minute * 60_000;
      expect(planRequest(stickyPolicy, alice, options).primary).toBe(first);
    }
    // After the ttl the key is picked again; over many expiries both members show up.
    const seen = new Set<string>();
    for (let hour = 1; hour <= 40; hour += 1) {
      now = 1_000_000 + hour * 3_600_001;
      seen.add(planRequest(stickyPolicy, alice, options).primary);
    }
    expect(seen).toEqual(new Set(['gpt-4o', 'gpt-3.5-turbo']));
  });

  it('different keys are independent, and no key means no stickiness', () => {
    const sticky = new MemoryStickyStore();
    const random = mulberry32(3);
    const members = new Set<string>();
    for (let user = 0; user < 50; user += 1) {
      members.add(planRequest(stickyPolicy, buildRequestFacts({ metadata: { user_id: `user-${user}` } }), { random, sticky, now: () => 0 }).primary);
    }
    expect(members.size).toBe(2);
    expect(sticky.size).toBe(50);
    planRequest(stickyPolicy, buildRequestFacts({}), { random, sticky, now: () => 0 });
    expect(sticky.size).toBe(50);
  });

  it('the in-memory store is bounded (least recently used goes first)', () => {
    const store = new MemoryStickyStore({ maxEntries: 2 });
    store.set('a', { member: 'x', expiresAt: 1 });
    store.set('b', { member: 'x', expiresAt: 1 });
    store.get('a');
    store.set('c', { member: 'x', expiresAt: 1 });
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.size).toBe(2);
  });
});
