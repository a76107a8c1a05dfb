/**
 * End-to-end support: the simulator on 127.0.0.1 and an executor whose
 * adapters are the real SDKs pointed at it.
 */
import { Executor } from '../../src/executor/Executor.js';
import type { ExecutorOptions } from '../../src/executor/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { ScenarioInput, Simulator } from '../../src/simulator/index.js';
import type { SessionScope, TelemetryHooks } from '../../src/telemetry/hooks.js';
import { noopTelemetry } from '../../src/telemetry/hooks.js';
import { policyFrom, setOf } from './support.js';

export const CATALOG = `
models:
  a: { provider: openai, model: gpt-a }
  a2: { provider: openai, model: gpt-a2 }
  b: { provider: anthropic, model: claude-b }
  c: { provider: google, model: gemini-c }
`;

export function yamlPolicy(body: string): string {
  const defaults = (body.includes('base_delay:') ? '' : 'base_delay: 0\n') + (body.includes('jitter:') ? '' : 'jitter: false\n');
  return `version: 1\nname: default\n${CATALOG}${defaults}${body}`;
}

export async function simulator(scenario: ScenarioInput = { models: {} }): Promise<Simulator> {
  return startSimulator({ port: 0, scenario });
}

export function simulatedExecutor(sim: Simulator, yaml: string, options: Partial<ExecutorOptions> = {}): Executor {
  const factory = new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key' });
  return new Executor({ policies: setOf(policyFrom(yaml)), factory, ...options } as ExecutorOptions & { policies: never });
}

export function requestsTo(sim: Simulator, modelId: string): number {
  return sim.counts().models[modelId]?.requests ?? 0;
}

/** Telemetry that remembers backoffs (to see the delay a session chose). */
export function backoffRecorder(): { telemetry: TelemetryHooks; backoffs: number[] } {
  const backoffs: number[] = [];
  const telemetry: TelemetryHooks = {
    sessionStarted: (info) => {
      const inner = noopTelemetry.sessionStarted(info);
      const scope: SessionScope = { ...inner, backoff: (delayMs) => backoffs.push(delayMs) };
      return scope;
    },
  };
  return { telemetry, backoffs };
}
