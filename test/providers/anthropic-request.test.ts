/**
 * The Messages body's turns: a plain text conversation (strings that already
 * alternate) takes a shortcut; it must give exactly what the general path
 * gives, which the same conversation written as text parts goes through.
 */
import { describe, expect, it } from 'vitest';
import { toAnthropicMessages } from '../../src/providers/anthropic/anthropic-request.js';
import type { Message } from '../../src/providers/spec.js';
import { mulberry32 } from '../../src/rules/random.js';

/** The same conversation, each string as one text part (never the shortcut). */
function asParts(messages: readonly Message[]): Message[] {
  return messages.map((message) => ({ role: message.role, content: typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content }));
}

function turns(messages: readonly Message[]) {
  return toAnthropicMessages({ model: 'claude-x', messages });
}

/** What the shortcut takes: non-empty strings, system messages first, then user and assistant alternating from the user to the user. */
function isPlain(messages: readonly Message[]): boolean {
  const turns = messages.filter((message) => message.role !== 'system');
  const systemsFirst = messages.slice(0, messages.length - turns.length).every((message) => message.role === 'system');
  return (
    systemsFirst &&
    turns.length % 2 === 1 &&
    messages.every((message) => message.content !== '') &&
    turns.every((message, index) => message.role === (index % 2 === 0 ? 'user' : 'assistant'))
  );
}

describe('anthropic: plain text turns', () => {
  it('gives what the general path gives, for 2,000 conversations of every shape', () => {
    const next = mulberry32(7);
    const roles = ['system', 'user', 'assistant', 'user', 'assistant'] as const;
    const texts = ['Hi', 'What is 2 + 2?', '', 'ends in space ', 'line\nbreak'];
    let shortcut = 0;
    for (let index = 0; index < 2_000; index++) {
      const length = 1 + Math.floor(next() * 6);
      const messages: Message[] = [];
      for (let at = 0; at < length; at++) {
        messages.push({ role: roles[Math.floor(next() * roles.length)]!, content: texts[Math.floor(next() * texts.length)]! });
      }
      let general: unknown;
      try {
        general = turns(asParts(messages));
      } catch (error) {
        expect(() => turns(messages)).toThrow((error as Error).message);
        continue;
      }
      expect(turns(messages)).toEqual(general);
      if (isPlain(messages)) shortcut++;
    }
    // Both kinds are well represented.
    expect(shortcut).toBeGreaterThan(100);
    expect(shortcut).toBeLessThan(1_900);
  });

  it('keeps system text first and the turns as strings', () => {
    expect(
      turns([
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: 'Thanks' },
      ]),
    ).toEqual({
      system: 'Be brief.\n\nAnswer in French.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: 'Thanks' },
      ],
    });
  });
});
