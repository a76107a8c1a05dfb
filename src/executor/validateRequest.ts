/**
 * The checks a request passes before any call is made. A request from
 * JavaScript (or parsed JSON) can hold anything; a bad one must end in the
 * same typed error as every other failed request, with nothing sent.
 */
import { LLMFallbackError } from '../errors/LLMFallbackError.js';
import type { PolicySet } from '../policy/types.js';

const ROLES: ReadonlySet<unknown> = new Set(['system', 'user', 'assistant', 'tool']);

const MESSAGES_SHAPE = 'messages must be a non-empty array of { role: system|user|assistant|tool, content: string | ContentPart[] }';

/** What is wrong with one content part, or null. */
function partProblem(part: unknown): string | null {
  if (typeof part !== 'object' || part === null) return describe(part);
  const typed = part as Record<string, unknown>;
  const isText = (key: string): boolean => typeof typed[key] === 'string';
  const isData = (key: string): boolean => typeof typed[key] === 'string' || typed[key] instanceof Uint8Array;
  switch (typed['type']) {
    case 'text':
    case 'reasoning':
      return isText('text') ? null : `a ${String(typed['type'])} part without a string text`;
    case 'image':
      return isData('image') ? null : 'an image part without image (a URL, base64 text or bytes)';
    case 'file':
      return isData('data') && isText('mediaType') ? null : 'a file part without data and mediaType';
    case 'tool-call':
      return isText('id') && isText('name') ? null : 'a tool-call part without a string id and name';
    case 'tool-result':
      return isText('id') && isText('name') ? null : 'a tool-result part without a string id and name';
    default:
      return typeof typed['type'] === 'string' ? `a part of unknown type ${JSON.stringify(typed['type'].slice(0, 20))}` : 'a part without a type';
  }
}

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
      const problem = partProblem(content[partIndex]);
      if (problem !== null) return `${MESSAGES_SHAPE}; messages[${index}].content[${partIndex}] is ${problem}`;
    }
  }
  return null;
}

/** What is wrong with `tools`, or null (absent is fine). */
export function toolsProblem(tools: unknown): string | null {
  if (tools === undefined) return null;
  if (!Array.isArray(tools)) return `tools must be an array of { name, description?, parameters }; got ${describe(tools)}`;
  const names = new Set<string>();
  for (let index = 0; index < tools.length; index++) {
    const tool: unknown = tools[index];
    const typed = typeof tool === 'object' && tool !== null ? (tool as Record<string, unknown>) : null;
    if (typed === null || typeof typed['name'] !== 'string' || typed['name'] === '') return `tools[${index}] needs a non-empty string name`;
    if (typeof typed['parameters'] !== 'object' || typed['parameters'] === null || Array.isArray(typed['parameters'])) {
      return `tools[${index}] (${typed['name']}) needs parameters: a JSON Schema object`;
    }
    if (names.has(typed['name'])) return `tools[${index}]: the name ${JSON.stringify(typed['name'])} is used twice`;
    names.add(typed['name']);
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
