import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

const POLICY = `
name: quiet
models:
  gpt-4o: { provider: openai }
  claude: { provider: anthropic, model: claude-haiku-4-5 }
  local:  { provider: local, model: llama3.1 }
provider_config:
  local: { type: openai_compatible, base_url: http://127.0.0.1:9/v1 }
primary_model: gpt-4o
fallback_models: [claude, local]
`;

describe('the SDKs detour creates', () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ scenario: { models: { '*': { faults: [{ type: 'malformed_json' }] } } } });
  });
  afterAll(() => simulator.close());
  afterEach(() => vi.restoreAllMocks());

  it('print nothing of their own (a malformed stream chunk would otherwise be printed, model output and all)', async () => {
    const printed = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'info'), vi.spyOn(console, 'log'), vi.spyOn(console, 'debug')];
    const policy = parsePolicy(POLICY, 'quiet.yaml').policy;
    expect(policy).not.toBeNull();
    const factory = new SelfManagingFallbackFactory({
      env: { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test', OPENAI_LOG: 'debug', ANTHROPIC_LOG: 'debug' },
      baseUrlOverride: simulator.url,
    });
    for (const name of ['gpt-4o', 'claude', 'local']) {
      const adapter = factory.getAdapter(policy!, name);
      const failure = await (async () => {
        for await (const part of adapter.stream({ model: adapter.modelId, messages: [{ role: 'user', content: 'hi' }] })) void part;
      })().then(() => null, (error: unknown) => error);
      expect(failure, name).not.toBeNull();
    }
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
  });
});
