/**
 * A policy whose primary is a Bedrock model falls back to Anthropic when
 * Bedrock throttles: the real AWS SDK (SigV4 signing with static keys) and
 * the real Anthropic SDK, over HTTP, against the simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Executor } from '../../src/executor/Executor.js';
import type { ExecutorStreamEvent } from '../../src/executor/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { policyFrom, setOf } from './support.js';

const BEDROCK_MODEL = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

const POLICY = `version: 1
name: cloud
provider_config:
  bedrock: { region: us-east-1 }
models:
  claude-bedrock: { provider: bedrock, model: ${BEDROCK_MODEL} }
  claude-direct: { provider: anthropic, model: claude-3-5-haiku-latest }
primary_model: claude-bedrock
fallback_models: [claude-direct]
base_delay: 0
jitter: false
`;

const ENV = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ANTHROPIC_API_KEY: 'sk-ant-test' };

describe('bedrock → anthropic fallback, end to end', () => {
  let simulator: Simulator;
  let executor: Executor;

  beforeAll(async () => {
    simulator = await startSimulator({ scenario: { models: { [BEDROCK_MODEL]: { chunks: 3, faults: [{ type: 'rate_limit' }] } } } });
    // Only the endpoint is overridden: the keys come from the environment and every Bedrock request is signed with them.
    const factory = new SelfManagingFallbackFactory({ env: ENV, baseUrlOverride: simulator.url });
    executor = new Executor({ policies: setOf(policyFrom(POLICY)), factory });
  });
  afterAll(async () => {
    await simulator.close();
  });
  beforeEach(() => simulator.reset());

  it('a ThrottlingException on Bedrock falls back to Anthropic', async () => {
    const result = await executor.generate({ policy: 'cloud', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(result.model).toBe('claude-direct');
    expect(result.provider).toBe('anthropic');
    expect(result.text).toBe('[claude-3-5-haiku-latest] reply to: Hello there');
    const [failed, succeeded] = result.session.attempts;
    expect(failed).toMatchObject({ model: 'claude-bedrock', provider: 'bedrock' });
    expect(failed?.error).toMatchObject({ kind: 'rate_limit', status: 429, code: 'ThrottlingException', retryable: true, provider: 'bedrock', scope: 'model' });
    expect(succeeded?.outcome).toBe('success');
    expect(simulator.counts().models[BEDROCK_MODEL]?.requests).toBe(1);
    expect(simulator.counts().models['claude-3-5-haiku-latest']?.requests).toBe(1);
    expect(simulator.counts().rejected).toBe(0);
  });

  it('streams fall back the same way before their first chunk', async () => {
    const events: ExecutorStreamEvent[] = [];
    for await (const event of executor.stream({ policy: 'cloud', messages: [{ role: 'user', content: 'Hello there' }] })) events.push(event);
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe('[claude-3-5-haiku-latest] reply to: Hello there');
    const done = events[events.length - 1];
    expect(done?.type).toBe('finish');
  });

  it('a healthy Bedrock model answers itself, signed with the keys from the environment', async () => {
    await simulator.setScenario({ models: {} });
    const result = await executor.generate({ policy: 'cloud', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(result).toMatchObject({ model: 'claude-bedrock', provider: 'bedrock', text: `[${BEDROCK_MODEL}] reply to: Hello there` });
    await simulator.setScenario({ models: { [BEDROCK_MODEL]: { chunks: 3, faults: [{ type: 'rate_limit' }] } } });
  });
});
