/** detour's request as an Anthropic messages body (wire shapes stay in this folder). */
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { mediaOf, toolResultText } from '../media.js';
import type { ContentPart, GenerateRequest, Message, ReasoningOptions, ToolChoice } from '../spec.js';
import { alternatingTurns, trimPrefill } from '../turns.js';
import { unsupportedInput } from '../unsupported.js';

/** Anthropic requires `max_tokens`; this is sent when neither the caller nor the catalog gives one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

/**
 * The text of the user turn detour puts first when a conversation starts with
 * the assistant: the Messages API requires the first message to be the user's,
 * and rejects empty text.
 */
export const LEADING_USER_TEXT = '.';

/** Thinking budgets for `reasoning.effort` (the API's minimum is 1,024). */
export const ANTHROPIC_THINKING_BUDGETS = { low: 1_024, medium: 4_096, high: 16_384 } as const;

const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface AnthropicMessages {
  readonly system: string | undefined;
  readonly messages: MessageParam[];
}

type Block = ContentBlockParam;

/** The Messages API version Claude on Vertex AI takes, in the body. */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/** Whose Messages API the body is for: Anthropic's own, or Claude on Vertex AI (refusals name it; Vertex gets `anthropic_version`). */
export type AnthropicProviderType = 'anthropic' | 'vertex';

function blocksOf(message: Message, modelId: string, providerType: AnthropicProviderType): Block[] {
  if (typeof message.content === 'string') return message.content === '' ? [] : [{ type: 'text', text: message.content }];
  const blocks: Block[] = [];
  let previous: Block | undefined;
  for (const part of message.content) {
    const block = blockOf(part, message.role, modelId, providerType);
    if (block === null) continue;
    // A message's adjacent text parts are one text block, as they are one text.
    if (block.type === 'text' && previous?.type === 'text') previous.text += block.text;
    else {
      blocks.push(block);
      previous = block;
    }
  }
  return blocks;
}

function blockOf(part: ContentPart, role: Message['role'], modelId: string, providerType: AnthropicProviderType): Block | null {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : { type: 'text', text: part.text };
    case 'image': {
      const media = mediaOf(part);
      if (media.kind === 'url') return { type: 'image', source: { type: 'url', url: media.url } };
      if (media.mediaType === null || !IMAGE_TYPES.has(media.mediaType)) {
        throw unsupportedInput(providerType, modelId, `image parts of type ${media.mediaType ?? 'unknown (give mediaType)'} are not supported`);
      }
      return { type: 'image', source: { type: 'base64', media_type: media.mediaType as 'image/png', data: media.data } };
    }
    case 'file': {
      const media = mediaOf(part);
      if (part.mediaType === 'application/pdf') {
        return media.kind === 'url'
          ? { type: 'document', source: { type: 'url', url: media.url } }
          : { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: media.data }, ...(part.filename === undefined ? {} : { title: part.filename }) };
      }
      if (part.mediaType === 'text/plain' && media.kind === 'base64') {
        return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(media.data, 'base64').toString('utf8') }, ...(part.filename === undefined ? {} : { title: part.filename }) };
      }
      throw unsupportedInput(providerType, modelId, `file parts of type ${part.mediaType} are not supported (PDF and text/plain are)`);
    }
    case 'tool-call':
      if (role !== 'assistant') throw unsupportedInput(providerType, modelId, 'tool-call parts belong in assistant messages');
      return { type: 'tool_use', id: part.id, name: part.name, input: (part.arguments ?? {}) as Record<string, unknown> };
    case 'tool-result':
      return {
        type: 'tool_result',
        tool_use_id: part.id,
        content: toolResultText(part.result),
        ...(part.isError === true ? { is_error: true } : {}),
      };
    case 'reasoning':
      // Only Anthropic's own signed thinking goes back; other providers' reasoning is not sent.
      if (role !== 'assistant') return null;
      if (part.redactedData !== undefined) return { type: 'redacted_thinking', data: part.redactedData };
      if (part.signature === undefined || part.signature === '') return null;
      return { type: 'thinking', thinking: part.text, signature: part.signature };
  }
}

/** Tool results go first in a user turn, as the API requires after a tool_use turn. */
function resultsFirst(blocks: Block[]): Block[] {
  if (!blocks.some((block) => block.type === 'tool_result')) return blocks;
  return [...blocks.filter((block) => block.type === 'tool_result'), ...blocks.filter((block) => block.type !== 'tool_result')];
}

/**
 * The common conversation, already in the API's shape: non-empty text only,
 * any system messages first, then user and assistant turns that alternate,
 * from the user to the user. Null for anything else (the general path below).
 */
function plainTextTurns(messages: readonly Message[]): AnthropicMessages | null {
  let system: string | undefined;
  const turns: { role: 'user' | 'assistant'; content: string }[] = [];
  let expected: 'user' | 'assistant' = 'user';
  for (const message of messages) {
    const content = message.content;
    if (typeof content !== 'string' || content === '') return null;
    if (message.role === 'system') {
      if (turns.length > 0) return null;
      system = system === undefined ? content : `${system}\n\n${content}`;
      continue;
    }
    if (message.role !== expected) return null;
    turns.push({ role: expected, content });
    expected = expected === 'user' ? 'assistant' : 'user';
  }
  // Ending with the assistant is a prefill, whose trailing whitespace the general path trims.
  return turns.length === 0 || expected === 'user' ? null : { system, messages: turns };
}

/**
 * Split out every system message into `system` (joined by blank lines); a
 * `tool` message becomes the user's `tool_result` blocks; drop empty
 * messages (the API rejects empty text blocks); merge consecutive same-role
 * messages into one turn so roles alternate; put a user turn first when the
 * conversation starts with the assistant; and trim trailing whitespace from
 * a final assistant text (a prefill), which the API also rejects.
 */
export function toAnthropicMessages(request: GenerateRequest, modelId = request.model, providerType: AnthropicProviderType = 'anthropic'): AnthropicMessages {
  const plain = plainTextTurns(request.messages);
  if (plain !== null) return plain;
  const { system: texts, turns: messages } = alternatingTurns<Block>(request.messages, (message) => blocksOf(message, modelId, providerType), {
    provider: providerType,
    label: 'Anthropic',
    modelId,
    leading: { type: 'text', text: LEADING_USER_TEXT },
  });
  const system = texts.length === 0 ? undefined : texts.join('\n\n');
  trimPrefill(
    messages,
    (block) => (block.type === 'text' ? block.text : undefined),
    (block, text) => {
      if (block.type === 'text') block.text = text;
    },
  );
  return {
    system,
    messages: messages.map((message) => {
      const content = message.role === 'user' ? resultsFirst(message.content) : message.content;
      const only = content[0];
      return { role: message.role, content: content.length === 1 && only?.type === 'text' ? only.text : content };
    }),
  };
}

function toolChoiceOf(choice: ToolChoice | undefined, parallel: boolean | undefined): Record<string, unknown> | undefined {
  let result: Record<string, unknown> | undefined;
  if (choice === 'auto') result = { type: 'auto' };
  else if (choice === 'none') result = { type: 'none' };
  else if (choice === 'required') result = { type: 'any' };
  else if (choice !== undefined) result = { type: 'tool', name: choice.name };
  if (parallel === false) result = { ...(result ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return result;
}

/** `budget_tokens` for a reasoning request: the caller's budget, else the effort's. */
export function thinkingBudgetOf(reasoning: ReasoningOptions): number {
  return Math.max(1_024, reasoning.budgetTokens ?? ANTHROPIC_THINKING_BUDGETS[reasoning.effort ?? 'medium']);
}

/** The body shared by plain and streaming calls; `extra` keys are copied last, as is. */
export function toAnthropicBody(
  request: GenerateRequest,
  modelId: string,
  defaultMaxTokens: number,
  providerType: AnthropicProviderType = 'anthropic',
): Record<string, unknown> {
  const { system, messages } = toAnthropicMessages(request, modelId, providerType);
  let maxTokens = request.maxTokens ?? defaultMaxTokens;
  const body: Record<string, unknown> = {
    model: request.model === '' ? modelId : request.model,
    max_tokens: maxTokens,
    messages,
  };
  if (system !== undefined) body['system'] = system;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body['stop_sequences'] = [...request.stop];
  if (request.tools !== undefined && request.tools.length > 0) {
    body['tools'] = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.parameters,
    }));
    const choice = toolChoiceOf(request.toolChoice, request.parallelToolCalls);
    if (choice !== undefined) body['tool_choice'] = choice;
  } else if (typeof request.toolChoice === 'object' || request.toolChoice === 'required') {
    throw unsupportedInput(providerType, modelId, 'toolChoice asks for a tool but the request has no tools');
  }
  const format = request.responseFormat;
  if (format !== undefined && format.type === 'json') {
    // Native structured output needs a schema; without one the model is asked for JSON in the system prompt.
    if (format.schema !== undefined) body['output_config'] = { format: { type: 'json_schema', schema: format.schema } };
    else body['system'] = `${system === undefined ? '' : `${system}\n\n`}Answer with one JSON value and nothing else.`;
  }
  if (request.reasoning !== undefined) {
    const budget = thinkingBudgetOf(request.reasoning);
    // The budget is part of max_tokens: make room for an answer beside it.
    if (maxTokens <= budget) maxTokens = budget + maxTokens;
    body['max_tokens'] = maxTokens;
    body['thinking'] = { type: 'enabled', budget_tokens: budget };
  }
  // Vertex AI reads the API version from the body (its SDK would send the first-party header's version).
  if (providerType === 'vertex') body['anthropic_version'] = VERTEX_ANTHROPIC_VERSION;
  if (request.extra !== undefined) Object.assign(body, request.extra);
  return body;
}
