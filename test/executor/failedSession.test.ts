/**
 * A failed request hands its caller the session record directly, so nobody
 * has to race other requests for `executor.history(1)`.
 */
import { describe, expect, test } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import { FallbackSession } from '../../src/stats/FallbackSession.js';
import { BASE_POLICY, FakeFactory, fact, policyFrom, setOf } from './support.js';

async function failure(run: () => Promise<unknown>): Promise<LLMFallbackError> {
  try {
    await run();
  } catch (error) {
    if (LLMFallbackError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('LLMFallbackError.session', () => {
  test('each of two concurrent failures carries its own record, the one history holds', async () => {
    const factory = new FakeFactory({
      a: [{ error: fact('timeout') }, { error: fact('rate_limit', { status: 429 }) }],
      b: [{ error: fact('timeout') }],
      c: [{ error: fact('overloaded') }],
    });
    const executor = new Executor({ policies: setOf(policyFrom(BASE_POLICY)), factory });
    const messages = [{ role: 'user', content: 'hi' }] as const;
    const [first, second] = await Promise.all([
      failure(() => executor.generate({ policy: 'default', messages, metadata: { request: 1 } })),
      failure(() => executor.generate({ policy: 'default', messages, metadata: { request: 2 } })),
    ]);
    const sessions = [FallbackSession.fromError(first), FallbackSession.fromError(second)];
    expect(sessions.map((session) => session?.metadata)).toEqual([{ request: 1 }, { request: 2 }]);
    expect(executor.history()).toEqual(sessions);
    expect(sessions[0]?.outcome).toBe('exhausted');
    expect(sessions[0]?.attempts.map((attempt) => attempt.model)).toEqual(first.attempts.map((attempt) => attempt.model));
    // JSON-safe: the error serialises with its session as plain data.
    const json = JSON.parse(JSON.stringify({ session: first.session })) as { session: { outcome: string; attempts: unknown[] } };
    expect(json.session).toEqual(JSON.parse(JSON.stringify(sessions[0]?.toJSON())));
    expect(json.session.attempts).toHaveLength(3);
  });

  test('a stream failure carries it too; a refused request has none', async () => {
    const factory = new FakeFactory({ a: [{ error: fact('invalid_request', { status: 400 }) }] });
    const executor = new Executor({ policies: setOf(policyFrom(BASE_POLICY)), factory });
    const streamed = await failure(async () => {
      for await (const _event of executor.stream({ policy: 'default', messages: [{ role: 'user', content: 'hi' }] })) void _event;
    });
    expect(FallbackSession.fromError(streamed)?.outcome).toBe('rejected');
    expect(FallbackSession.fromError(streamed)?.stream).toBe(true);
    const refused = await failure(() => executor.generate({ policy: 'default', messages: [] }));
    expect(refused.session).toBeNull();
    expect(FallbackSession.fromError(refused)).toBeNull();
    expect(FallbackSession.fromError(new Error('other'))).toBeNull();
  });
});
