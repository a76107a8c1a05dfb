/**
 * A request that cannot be served ends in the same typed error as any failed
 * session — LLMFallbackError, reason `rejected`, zero attempts — before any call.
 */
import { describe, expect, test } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import type { GenerateOptions } from '../../src/executor/types.js';
import { BASE_POLICY, FakeFactory, policyFrom, setOf } from './support.js';

function executorWithCalls(): { executor: Executor; factory: FakeFactory } {
  const factory = new FakeFactory({});
  return { executor: new Executor({ policies: setOf(policyFrom(BASE_POLICY)), factory }), factory };
}

async function refusal(run: () => Promise<unknown>): Promise<LLMFallbackError> {
  try {
    await run();
  } catch (error) {
    if (LLMFallbackError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

const SHAPE = 'messages must be a non-empty array of { role: system|user|assistant|tool, content: string | ContentPart[] }';

// Each is something a JavaScript caller (or parsed JSON) can pass despite the types.
const BAD_MESSAGES: readonly [string, unknown, string][] = [
  ['a string', 'hello', `${SHAPE}; got a string`],
  ['an empty array', [], `${SHAPE}; got an empty array`],
  ['missing', undefined, `${SHAPE}; got missing`],
  ['an unknown role and a number as content', [{ role: 'wizard', content: 5 }], `${SHAPE}; messages[0].role is "wizard"`],
  ['a number as content', [{ role: 'user', content: 'ok' }, { role: 'assistant', content: 5 }], `${SHAPE}; messages[1].content is number 5`],
  ['a null message', [null], `${SHAPE}; messages[0] is null`],
  ['a part without text', [{ role: 'user', content: [{ type: 'text' }] }], `${SHAPE}; messages[0].content[0] is a text part without a string text`],
  ['a part of an unknown type', [{ role: 'user', content: [{ type: 'video', url: 'x' }] }], `${SHAPE}; messages[0].content[0] is a part of unknown type "video"`],
];

describe('request validation', () => {
  test.each(BAD_MESSAGES)('messages as %s: rejected, zero attempts, nothing sent, no session', async (_name, messages, expected) => {
    const { executor, factory } = executorWithCalls();
    const error = await refusal(() => executor.generate({ policy: 'default', messages } as unknown as GenerateOptions));
    expect(error.message).toBe(`policy "default": ${expected}`);
    expect(error.reason).toBe('rejected');
    expect(error.attempts).toEqual([]);
    expect(error.policy).toBe('default');
    expect(factory.calls).toEqual([]);
    expect(executor.history()).toEqual([]);
  });

  test('the refusal never echoes message text', async () => {
    const { executor } = executorWithCalls();
    const error = await refusal(() => executor.generate({ policy: 'default', messages: 'my secret diagnosis' } as unknown as GenerateOptions));
    expect(error.message).not.toContain('secret');
  });

  test('a stream refuses the same way, from the loop', async () => {
    const { executor, factory } = executorWithCalls();
    const error = await refusal(async () => {
      for await (const _event of executor.stream({ policy: 'default', messages: [] })) void _event;
    });
    expect(error.reason).toBe('rejected');
    expect(factory.calls).toEqual([]);
  });

  test('an unknown policy is an LLMFallbackError naming it and the known ones', async () => {
    const { executor, factory } = executorWithCalls();
    const error = await refusal(() => executor.generate({ policy: 'nope', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.message).toBe('unknown policy "nope"; known: default');
    expect(error).toMatchObject({ reason: 'rejected', attempts: [], policy: 'nope' });
    expect(factory.calls).toEqual([]);
    const missing = await refusal(() => executor.generate({ messages: [{ role: 'user', content: 'hi' }] } as unknown as GenerateOptions));
    expect(missing.message).toBe('unknown policy missing; known: default');
  });

  test('a closed executor refuses with reason aborted', async () => {
    const { executor } = executorWithCalls();
    await executor.close();
    const error = await refusal(() => executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toMatchObject({ message: 'executor is closed', reason: 'aborted', attempts: [] });
  });

  test('content parts are accepted', async () => {
    const { executor } = executorWithCalls();
    const result = await executor.generate({ policy: 'default', messages: [{ role: 'system', content: [{ type: 'text', text: 'be brief' }] }, { role: 'user', content: 'hi' }] });
    expect(result.text).toBe('answer from a');
  });
});
