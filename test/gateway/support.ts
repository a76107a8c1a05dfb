/**
 * A gateway over the simulator: the real provider SDKs inside the executor
 * call the simulator, and the real `openai` / `@anthropic-ai/sdk` clients
 * call the gateway.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Executor } from '../../src/executor/Executor.js';
import type { ExecutorOptions } from '../../src/executor/types.js';
import type { AccessLogEntry } from '../../src/gateway/accessLog.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/createGateway.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import type { ScenarioInput, Simulator } from '../../src/simulator/index.js';
import { noopTelemetry } from '../../src/telemetry/hooks.js';
import { simulatedExecutor, simulator, yamlPolicy } from '../executor/simulated.js';

export interface GatewayFixture {
  readonly sim: Simulator;
  readonly executor: Executor;
  readonly gateway: Gateway;
  readonly url: string;
  readonly log: AccessLogEntry[];
  openai(apiKey?: string): OpenAI;
  anthropic(apiKey?: string): Anthropic;
  close(): Promise<void>;
}

/** `a` (OpenAI, gpt-a) first, then `b` (Anthropic, claude-b), then `c` (Google, gemini-c). */
export const SEQUENTIAL = yamlPolicy('primary_model: a\nfallback_models: [b, c]\nmax_attempts: 3\n');

export async function gatewayFixture(
  options: {
    readonly scenario?: ScenarioInput;
    readonly policy?: string;
    readonly gateway?: Partial<GatewayOptions>;
    readonly executor?: Partial<ExecutorOptions>;
  } = {},
): Promise<GatewayFixture> {
  const sim = await simulator(options.scenario ?? { models: {} });
  // The transport `detour serve` uses.
  const factory = new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key', transport: 'undici' });
  const executor = simulatedExecutor(sim, options.policy ?? SEQUENTIAL, { telemetry: noopTelemetry, factory, ...options.executor });
  const log: AccessLogEntry[] = [];
  const gateway = createGateway({ executor, accessLog: (entry) => log.push(entry), ...options.gateway });
  const { url } = await gateway.listen({ port: 0 });
  return {
    sim,
    executor,
    gateway,
    url,
    log,
    openai: (apiKey = 'no-key') => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 }),
    anthropic: (apiKey = 'no-key') => new Anthropic({ apiKey, baseURL: url, maxRetries: 0 }),
    async close() {
      await gateway.close({ drainTimeout: 0 });
      await executor.close();
      await factory.close();
      await sim.close();
    },
  };
}
