/**
 * The workload of the Redis benchmarks: a policy that touches every kind of
 * shared state on each session (a sticky group, a circuit breaker, live
 * statistics) and an adapter that answers at once, so what is measured is
 * detour and its state store, not a provider.
 */
import { Executor } from '../src/executor/Executor.js';
import type { StateStore } from '../src/executor/StateStore.js';
import { parsePolicy } from '../src/policy/load.js';
import { createPolicySet } from '../src/policy/set.js';
import type { GenerateResponse } from '../src/providers/spec.js';
import { inProcessSource } from './in-process.js';

const RESPONSE: GenerateResponse = {
  text: 'ok',
  content: [{ type: 'text', text: 'ok' }],
  toolCalls: [],
  reasoning: null,
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: 12, outputTokens: 3 },
  responseModel: null,
  responseId: null,
};

const inProcess = inProcessSource(RESPONSE);

const POLICY = `version: 1
name: bench
models:
  gpt-a: { provider: openai }
  gpt-b: { provider: openai }
  claude: { provider: anthropic, model: claude-3-5-haiku-latest }
groups:
  pool:
    members: [gpt-a, gpt-b]
    sticky: { key: request.metadata.user_id, ttl: 1h }
primary_model: pool
fallback_models: [claude]
circuit_breaker: { failure_rate: 0.5, min_requests: 20, window: 60s, open_for: 30s }
`;

export function benchExecutor(stateStore: StateStore): Executor {
  const parsed = parsePolicy(POLICY, 'bench.yaml');
  if (parsed.policy === null) throw new Error('bench policy did not parse');
  return new Executor({ policies: createPolicySet([parsed.policy]), factory: inProcess, stateStore });
}

const messages = [{ role: 'user' as const, content: 'ping' }];

/** One session for user `user` (of 1,000 distinct users). */
export async function benchSession(executor: Executor, user: number): Promise<void> {
  await executor.generate({ policy: 'bench', messages, metadata: { user_id: `user-${user % 1000}` } });
}
