import { describe, expect, it } from 'vitest';
import * as source from '../src/index.js';

describe('the public API', () => {
  it('names the entry points the README documents', () => {
    for (const name of [
      'createExecutor',
      'loadPolicies',
      'parsePolicy',
      'decide',
      'planRequest',
      'explain',
      'classifyError',
      'LLMFallbackError',
      'ConditionalFallback',
      'SelfManagingFallbackFactory',
      'FallbackClientWrapper',
      'FallbackManager',
      'createFallbackManager',
      'FallbackConfig',
      'FallbackMonitor',
      'createOpenTelemetryHooks',
      'watchPolicies',
      'startSimulator',
    ]) {
      expect(source, name).toHaveProperty(name);
    }
  });

  it('resolves through the package exports map, as a user imports it', async () => {
    const built = (await import('detour-llm')) as Record<string, unknown>;
    expect(Object.keys(built).sort()).toEqual(Object.keys(source).sort());
  });
});
