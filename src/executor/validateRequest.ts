/**
 * The checks a request passes before any call is made. A request from
 * JavaScript (or parsed JSON) can hold anything; a bad one must end in the
 * same typed error as every other failed request, with nothing sent.
 */
import { LLMFallbackError } from '../errors/LLMFallbackError.js';
import type { PolicySet } from '../policy/types.js';

const ROLES: ReadonlySet<unknown> = new Set(['system', 'user', 'assistant']);

const MESSAGES_SHAPE = 'messages must be a non-empty array of { role: system|user|assistant, content: string | [{ type: "text", text: string }] }';

/** What is wrong with `messages`, or null when it is a usable conversation. */
export function messagesProblem(messages: unknown): string | null {
  if (!Array.isArray(messages)) return `${MESSAGES_SHAPE}; got ${describe(messages)}`;
  if (messages.length === 0) return `${MESSAGES_SHAPE}; got an empty array`;
  for (let index = 0; index < messages.length; index++) {
    const message: unknown = messages[index];
    if (typeof message !== 'object' || message === null) return `${MESSAGES_SHAPE}; messages[${index}] is ${describe(message)}`;
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (!ROLES.has(role)) return `${MESSAGES_SHAPE}; messages[${index}].role is ${typeof role === 'string' ? JSON.stringify(role.slice(0, 20)) : describe(role)}`;
    if (typeof content === 'string') continue;
    if (!Array.isArray(content)) return `${MESSAGES_SHAPE}; messages[${index}].content is ${describe(content)}`;
    for (let partIndex = 0; partIndex < content.length; partIndex++) {
      const part: unknown = content[partIndex];
      const typed = typeof part === 'object' && part !== null ? (part as { type?: unknown; text?: unknown }) : null;
      if (typed === null || typed.type !== 'text' || typeof typed.text !== 'string') {
        return `${MESSAGES_SHAPE}; messages[${index}].content[${partIndex}] is ${describe(part)}`;
      }
    }
  }
  return null;
}

/** A request refused before its first attempt: `rejected`, zero attempts, no session record. */
export function requestRejected(message: string, policy: string | null): LLMFallbackError {
  return new LLMFallbackError({ message, reason: 'rejected', attempts: [], policy });
}

/** The error for a policy name the pinned set does not hold (deleted by a reload, or a typo). */
export function unknownPolicy(name: unknown, set: PolicySet): LLMFallbackError {
  const known = [...set.policies.keys()].join(', ') || '(none)';
  const shown = typeof name === 'string' ? JSON.stringify(name) : describe(name);
  return requestRejected(`unknown policy ${shown}; known: ${known}`, typeof name === 'string' ? name : null);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // Never the text itself: a misplaced string may be the user's message.
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
