/**
 * The conversation shape the Messages-style APIs (Anthropic, Bedrock Converse)
 * require: system text apart, user and assistant turns that alternate, and a
 * user turn first.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { detourFact } from './call-error.js';
import type { Message, ProviderType } from './spec.js';
import { unsupportedInput } from './unsupported.js';

export interface Turn<Block> {
  readonly role: 'user' | 'assistant';
  readonly content: Block[];
}

export interface Turns<Block> {
  /** Each system message's text, in order (empty ones left out). */
  readonly system: string[];
  readonly turns: Turn<Block>[];
}

/**
 * Split out the system messages' text; turn every other message into blocks
 * (a `tool` message is the user's); drop messages with no blocks; merge
 * consecutive same-role messages into one turn; put `leading` as a user turn
 * first when the conversation starts with the assistant.
 *
 * @throws ProviderCallError `invalid_request` for a system message with non-text parts, or when no turn is left.
 * @example
 * alternatingTurns(request.messages, (message) => blocksOf(message), { provider: 'bedrock', label: 'Bedrock', modelId, leading: { text: '.' } })
 */
export function alternatingTurns<Block>(
  messages: readonly Message[],
  blocksOf: (message: Message) => Block[],
  options: { readonly provider: ProviderType; readonly label: string; readonly modelId: string; readonly leading: Block },
): Turns<Block> {
  const system: string[] = [];
  const turns: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      if (typeof message.content !== 'string' && message.content.some((part) => part.type !== 'text')) {
        throw unsupportedInput(options.provider, options.modelId, 'system messages take text only');
      }
      const text = typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      if (text !== '') system.push(text);
      continue;
    }
    const blocks = blocksOf(message);
    if (blocks.length === 0) continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const last = turns[turns.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  if (turns.length === 0) {
    throw new ProviderCallError(
      detourFact('invalid_request', `${options.label} needs at least one non-empty user or assistant message; the request has none`, options.provider),
    );
  }
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', content: [options.leading] });
  return { system, turns };
}

/**
 * A final assistant turn (a prefill) must not end in whitespace on the
 * Messages-style APIs: trim its last text block, dropping the block (and the
 * turn) when nothing is left. `setText` writes the trimmed text into a block.
 *
 * @example
 * trimPrefill(turns, (block) => block.text, (block, text) => { block.text = text });
 */
export function trimPrefill<Block>(turns: Turn<Block>[], textOf: (block: Block) => string | undefined, setText: (block: Block, text: string) => void): void {
  const final = turns[turns.length - 1];
  if (final === undefined || final.role !== 'assistant' || turns.length < 2) return;
  const lastBlock = final.content[final.content.length - 1];
  const text = lastBlock === undefined ? undefined : textOf(lastBlock);
  if (lastBlock === undefined || text === undefined) return;
  const trimmed = text.trimEnd();
  setText(lastBlock, trimmed);
  if (trimmed === '') final.content.pop();
  if (final.content.length === 0) turns.pop();
}
