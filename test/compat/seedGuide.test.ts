/**
 * The seed guide's examples (seed/000_1417cd9b1b5a8c30.txt), ported to
 * TypeScript and run through the real SDKs against the simulator. Delays are
 * set to 0 where the guide's would only make the test wait.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { DefaultFallbackLogger } from '../../src/compat/DefaultFallbackLogger.js';
import { FallbackClientWrapper } from '../../src/compat/FallbackClientWrapper.js';
import { FallbackConfig } from '../../src/compat/FallbackConfig.js';
import { createFallbackManager, FallbackManager } from '../../src/compat/FallbackManager.js';
import {
  ConditionalFallbackStrategy,
  ErrorTypeBasedStrategy,
  ParallelFallbackStrategy,
  PriorityFallbackStrategy,
  RandomFallbackStrategy,
  SequentialFallbackStrategy,
} from '../../src/compat/strategies.js';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import type { ErrorFact } from '../../src/errors/kinds.js';
import { ConditionalFallback } from '../../src/errors/predicates.js';
import { PolicyLoadError } from '../../src/executor/PolicyLoadError.js';
import type { ProviderConfig } from '../../src/policy/types.js';
import type { ClientFactory } from '../../src/providers/factory.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { FallbackMonitor } from '../../src/stats/FallbackMonitor.js';
import type { MonitorAlert } from '../../src/stats/FallbackMonitor.js';

let sim: Simulator;
const messages = [{ role: 'user' as const, content: 'Hello' }];
const fail = (type: string) => ({ faults: [{ type }] });

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  await sim.setScenario({ models: {} });
  sim.reset();
});

function factoryOptions() {
  return { factoryOptions: { baseUrlOverride: sim.url, apiKeyOverride: 'test-key' } };
}
function requests(model: string): number {
  return sim.counts().models[model]?.requests ?? 0;
}

describe('strategies (guide: 降级策略详解)', () => {
  test('1. sequential: fallback_models in order', async () => {
    await sim.setScenario({ models: { 'gpt-4': fail('rate_limit'), 'gpt-3.5-turbo': fail('service_unavailable') } });
    const config = new FallbackConfig({ strategyType: 'sequential', fallbackModels: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'], baseDelay: 0 });
    const manager = createFallbackManager(config, { ...factoryOptions(), strategy: new SequentialFallbackStrategy(config) });
    const response = await manager.generateWithFallback(messages, {}, 'gpt-4');
    expect(response.model).toBe('claude-instant');
    expect(response.session.attempts.map((attempt) => attempt.model)).toEqual(['gpt-4', 'gpt-3.5-turbo', 'claude-instant']);
  });

  test('2. priority: the map picks by error type', async () => {
    await sim.setScenario({ models: { 'gpt-4': fail('rate_limit') } });
    const config = new FallbackConfig({ fallbackModels: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'], baseDelay: 0 });
    const priorityMap = {
      RateLimitError: ['claude-instant', 'gemini-pro'],
      TimeoutError: ['gpt-3.5-turbo', 'claude-instant'],
      AuthenticationError: ['gemini-pro', 'claude-instant'],
    };
    const manager = createFallbackManager(config, factoryOptions());
    manager.strategy = new PriorityFallbackStrategy(config, priorityMap);
    const response = await manager.generateWithFallback(messages, {}, 'gpt-4');
    expect(response.model).toBe('claude-instant');
    expect(requests('gpt-3.5-turbo')).toBe(0);
  });

  test('3. random: fallbacks shuffled, each tried once', async () => {
    await sim.setScenario({ models: { '*': fail('overloaded') } });
    const config = new FallbackConfig({ strategyType: 'random', fallbackModels: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'], maxAttempts: 4, baseDelay: 0 });
    const manager = createFallbackManager(config, { ...factoryOptions(), strategy: new RandomFallbackStrategy(config) });
    const error = await manager.generateWithFallback(messages, {}, 'gpt-4').catch((caught: unknown) => caught);
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    expect(new Set((error as LLMFallbackError).attempts.map((attempt) => attempt.model))).toEqual(new Set(['gpt-4', 'gpt-3.5-turbo', 'claude-instant', 'gemini-pro']));
  });

  test('4. error type based: only mapped errors fall back', async () => {
    const config = new FallbackConfig({ fallbackModels: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'], baseDelay: 0 });
    const mapping = { RateLimitError: ['claude-instant', 'gemini-pro'], TimeoutError: ['gpt-3.5-turbo'], ServiceUnavailableError: ['gemini-pro', 'claude-instant'] };
    const manager = createFallbackManager(config, { ...factoryOptions(), strategy: new ErrorTypeBasedStrategy(config, mapping) });
    await sim.setScenario({ models: { 'gpt-4': fail('service_unavailable') } });
    expect((await manager.generateWithFallback(messages, {}, 'gpt-4')).model).toBe('gemini-pro');
    await sim.setScenario({ models: { 'gpt-4': fail('overloaded') } });
    const error = (await manager.generateWithFallback(messages, {}, 'gpt-4').catch((caught: unknown) => caught)) as LLMFallbackError;
    expect(error.reason).toBe('rejected');
  });

  test('5. parallel: several at once, first answer wins, the rest are aborted', async () => {
    await sim.setScenario({ models: { 'gpt-4': fail('hang') } });
    const config = new FallbackConfig({ strategyType: 'parallel', fallbackModels: ['gpt-3.5-turbo', 'claude-instant'], maxAttempts: 3 });
    const manager = createFallbackManager(config, { ...factoryOptions(), strategy: new ParallelFallbackStrategy(config, { timeout: 30 }) });
    const response = await manager.generateWithFallback(messages, {}, 'gpt-4');
    expect(['gpt-3.5-turbo', 'claude-instant']).toContain(response.model);
    expect(response.session.attempts.find((attempt) => attempt.model === 'gpt-4')?.outcome).toBe('aborted');
  });

  test('6. conditional: predicates and a custom lambda', async () => {
    const config = new FallbackConfig({ fallbackModels: ['claude-instant'], baseDelay: 0 });
    const conditions = [
      ConditionalFallback.onTimeout,
      ConditionalFallback.onRateLimit,
      ConditionalFallback.onServiceUnavailable,
      (error: ErrorFact) => error.message.toLowerCase().includes('model_not_found') || error.message.toLowerCase().includes('does not exist'),
    ];
    const manager = createFallbackManager(config, { ...factoryOptions(), strategy: new ConditionalFallbackStrategy(config, conditions) });
    await sim.setScenario({ models: { 'gpt-4': fail('rate_limit') } });
    expect((await manager.generateWithFallback(messages, {}, 'gpt-4')).model).toBe('claude-instant');
    await sim.setScenario({ models: { 'gpt-4': fail('not_found') } });
    expect((await manager.generateWithFallback(messages, {}, 'gpt-4')).session.attempts[1]?.reason).toBe('condition:function');
    await sim.setScenario({ models: { 'gpt-4': fail('bad_request') } });
    const error = (await manager.generateWithFallback(messages, {}, 'gpt-4').catch((caught: unknown) => caught)) as LLMFallbackError;
    expect(error.reason).toBe('rejected');
  });
});

describe('configuration (guide: 配置详解)', () => {
  test('the defaults are the guide table', () => {
    expect(new FallbackConfig().toJSON()).toMatchObject({
      enabled: true,
      maxAttempts: 3,
      fallbackModels: [],
      strategyType: 'sequential',
      errorMappings: {},
      baseDelay: 1,
      maxDelay: 60,
      exponentialBase: 2,
      jitter: true,
      fallbackOnStatusCodes: [429, 500, 502, 503, 504],
      providerConfig: {},
    });
  });

  test('the advanced example becomes a valid policy (seed aliases accepted)', () => {
    const config = new FallbackConfig({
      enabled: true,
      fallbackModels: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'],
      strategyType: 'priority',
      maxAttempts: 5,
      baseDelay: 0.5,
      maxDelay: 30,
      exponentialBase: 1.5,
      jitter: true,
      fallbackOnStatusCodes: [429, 500, 502, 503, 504],
      fallbackOnErrors: ['timeout', 'rate_limit', 'service_unavailable', 'overloaded_error', 'authentication_error'],
      errorMappings: { RateLimitError: ['claude-instant', 'gemini-pro'], TimeoutError: ['gpt-3.5-turbo'] },
    });
    const policy = config.toPolicy('gpt-4');
    expect(policy).toMatchObject({ primaryModel: 'gpt-4', strategyType: 'priority', maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, exponentialBase: 1.5 });
    expect(policy.models['claude-instant']?.provider).toBe('anthropic');
    expect(policy.models['gemini-pro']?.provider).toBe('google');
  });

  test("the seed's delay: the backoff comes before every next attempt, another provider's included (fake timers)", async () => {
    expect(new FallbackConfig({ fallbackModels: ['claude-instant'] }).toPolicy('gpt-4').backoff).toBe('every_attempt');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await sim.setScenario({ models: { 'gpt-4': fail('service_unavailable') } });
      const config = new FallbackConfig({ fallbackModels: ['claude-instant'], baseDelay: 2, jitter: false });
      const manager = createFallbackManager(config, factoryOptions());
      const pending = manager.generateWithFallback(messages, {}, 'gpt-4');
      await vi.waitFor(() => expect(requests('gpt-4')).toBe(1));
      await vi.advanceTimersByTimeAsync(1999);
      expect(requests('claude-instant')).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect((await pending).model).toBe('claude-instant');
    } finally {
      vi.useRealTimers();
    }
  });

  test('an invalid config is a PolicyLoadError naming the problem', () => {
    expect(() => new FallbackConfig({ fallbackModels: ['gpt-3.5-turbo'], maxAttempts: 0 }).toPolicy()).toThrow(PolicyLoadError);
  });

  test('development config (enabled: false) calls the primary only', async () => {
    await sim.setScenario({ models: { 'gpt-4': fail('rate_limit') } });
    const development = new FallbackConfig({ enabled: false, fallbackModels: [], strategyType: 'sequential', maxAttempts: 1 });
    const manager = createFallbackManager(development, factoryOptions());
    const error = (await manager.generateWithFallback(messages, {}, 'gpt-4').catch((caught: unknown) => caught)) as LLMFallbackError;
    expect(error.reason).toBe('disabled');
    expect(sim.counts().requests).toBe(1);
  });
});

describe('usage (guide: 使用方法)', () => {
  test('1. basic: FallbackClientWrapper around a raw OpenAI client', async () => {
    await sim.setScenario({ models: { 'gpt-4o': fail('service_unavailable') } });
    const primaryClient = new OpenAI({ apiKey: 'test-key', baseURL: `${sim.url}/v1` });
    const fallbackWrapper = new FallbackClientWrapper({
      primaryClient,
      primaryModel: 'gpt-4o',
      fallbackModels: ['gpt-3.5-turbo', 'claude-instant'],
      strategyType: 'sequential',
      maxAttempts: 3,
      baseDelay: 0,
      factory: new (await import('../../src/providers/factory.js')).SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key' }),
    });
    const response = await fallbackWrapper.generate(messages);
    expect(response.model).toBe('gpt-3.5-turbo');
    expect(response.text.length).toBeGreaterThan(0);
    expect(fallbackWrapper.fallbackConfig.toDict()).toMatchObject({ maxAttempts: 3, strategyType: 'sequential' });
  });

  test('1b. the wrapper takes a raw Anthropic client too', async () => {
    const primaryClient = new Anthropic({ apiKey: 'test-key', baseURL: sim.url });
    const wrapper = new FallbackClientWrapper({ primaryClient, fallbackModels: ['gemini-pro'], baseDelay: 0, factory: new (await import('../../src/providers/factory.js')).SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'k' }) });
    const response = await wrapper.generate(messages, { max_tokens: 64 });
    expect(response.provider).toBe('anthropic');
    expect(wrapper.primaryModel).toBe('claude-3-5-haiku-latest');
  });

  test('1c. and a raw BedrockRuntimeClient', async () => {
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const primaryClient = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: sim.url, credentials, requestHandler: new NodeHttpHandler() });
    const wrapper = new FallbackClientWrapper({ primaryClient, fallbackModels: ['gemini-pro'], baseDelay: 0, factory: new (await import('../../src/providers/factory.js')).SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'k' }) });
    const response = await wrapper.generate(messages, { max_tokens: 64 });
    expect(response.provider).toBe('bedrock');
    expect(wrapper.primaryModel).toBe('us.anthropic.claude-3-5-haiku-20241022-v1:0');
  });

  test('2. advanced: create_fallback_manager + PriorityFallbackStrategy + generate_with_fallback_async', async () => {
    await sim.setScenario({ models: { 'gpt-4': fail('service_unavailable') } });
    const config = new FallbackConfig({ enabled: true, fallbackModels: ['gpt-3.5-turbo', 'claude-instant'], strategyType: 'priority', maxAttempts: 4, baseDelay: 0, maxDelay: 20 });
    const priorityMap = { RateLimitError: ['claude-instant', 'gemini-pro'], TimeoutError: ['gpt-3.5-turbo'], ServiceUnavailableError: ['gemini-pro'] };
    const fallbackManager = createFallbackManager(config, factoryOptions());
    fallbackManager.strategy = new PriorityFallbackStrategy(config, priorityMap);
    const response = await fallbackManager.generateWithFallbackAsync(messages, {}, 'gpt-4');
    expect(response.model).toBe('gemini-pro');
  });

  test('3. a custom client factory', async () => {
    const created: string[] = [];
    class CustomClientFactory implements ClientFactory {
      private readonly clients = new Map<string, unknown>();
      createClient(provider: ProviderConfig): unknown {
        if (!this.clients.has(provider.name)) {
          created.push(provider.name);
          this.clients.set(provider.name, provider.type === 'anthropic' ? new Anthropic({ apiKey: 'k', baseURL: sim.url }) : new OpenAI({ apiKey: 'k', baseURL: `${sim.url}/v1` }));
        }
        return this.clients.get(provider.name);
      }
      getAvailableModels(): readonly string[] {
        return ['gpt-4', 'gpt-3.5-turbo', 'claude-instant'];
      }
    }
    await sim.setScenario({ models: { 'gpt-4': fail('overloaded') } });
    const manager = new FallbackManager(new FallbackConfig({ fallbackModels: ['claude-instant'], baseDelay: 0 }), new CustomClientFactory());
    const response = await manager.generateWithFallback(messages, {}, 'gpt-4');
    expect(response.model).toBe('claude-instant');
    expect(created).toEqual(['openai', 'anthropic']);
  });
});

describe('monitoring and stats (guide: 监控和统计)', () => {
  test('stats, sessions, reset, error handling and the monitor', async () => {
    await sim.setScenario({ models: { 'gpt-4': fail('rate_limit'), 'claude-instant': fail('rate_limit') } });
    const lines: string[] = [];
    const sink = { debug: () => {}, info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
    const manager = createFallbackManager(new FallbackConfig({ fallbackModels: ['claude-instant'], baseDelay: 0 }), { ...factoryOptions(), logger: new DefaultFallbackLogger(sink) });
    let handled = 0;
    for (let index = 0; index < 3; index++) {
      try {
        await manager.generateWithFallback(messages, {}, 'gpt-4');
      } catch (error) {
        if (!LLMFallbackError.isInstance(error)) throw error;
        handled++; // guide: return get_cached_or_default_response()
      }
    }
    expect(handled).toBe(3);
    const stats = manager.getFallbackStats();
    expect(stats).toMatchObject({ totalSessions: 3, successRate: 0, fallbackRate: 1, averageAttempts: 2 });
    const sessions = manager.getFallbackSessions(10);
    expect(sessions).toHaveLength(3);
    for (const session of sessions) {
      expect(session.primaryModel).toBe('gpt-4');
      expect(session.success).toBe(false);
      expect(session.getTotalAttempts()).toBe(2);
      expect(session.getTotalDuration()).toBeGreaterThanOrEqual(0);
      expect(session.getSuccessfulAttempt()).toBeNull();
      expect(JSON.stringify(session.toJSON())).not.toContain('test-key');
    }
    expect(lines.some((line) => line.includes('attempt 1 on gpt-4 failed — RateLimitError (429)'))).toBe(true);
    const alerts: MonitorAlert[] = [];
    const monitor = new FallbackMonitor({ thresholds: { fallbackRate: 0.5, successRate: 0.9, averageAttempts: 2.0 }, onAlert: (alert) => alerts.push(alert) });
    monitor.check(manager);
    expect(alerts.map((alert) => alert.metric)).toEqual(['fallbackRate', 'successRate']);
    manager.resetFallbackStats();
    expect(manager.getFallbackStats().totalSessions).toBe(0);
    expect(manager.getFallbackSessions(10)).toHaveLength(0);
  });

  test('a successful fallback records the model that answered', async () => {
    await sim.setScenario({ models: { 'gpt-4': fail('timeout' === 'timeout' ? 'gateway_timeout' : 'rate_limit') } });
    const manager = createFallbackManager(new FallbackConfig({ fallbackModels: ['gpt-3.5-turbo'], baseDelay: 0 }), factoryOptions());
    await manager.generateWithFallback(messages, { max_tokens: 32, temperature: 0 }, 'gpt-4');
    const [session] = manager.getFallbackSessions(1);
    expect(session?.getSuccessfulAttempt()?.fallbackModel).toBe('gpt-3.5-turbo');
    expect(session?.success).toBe(true);
  });
});
