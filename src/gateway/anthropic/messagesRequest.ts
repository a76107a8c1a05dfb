/**
 * An Anthropic Messages request body in detour's shapes: the system prompt,
 * content blocks (text, images, documents, tool use, tool results, thinking),
 * sampling parameters, tools, tool choice, thinking and output format.
 */
import type { ContentPart, Message, RequestFeatures, Tool, ToolChoice } from '../../providers/spec.js';
import { invalidField, isRecord, metadataOf, optionalNumber, optionalStop, schemaField, type ParsedRequest } from '../wire.js';

type Block = Record<string, unknown>;

/** An image or document `source`: base64 data with its media type, a URL, or plain text. */
function sourceOf(block: Block, where: string): { data: string; mediaType: string | undefined } {
  const source = isRecord(block.source) ? block.source : null;
  if (source?.type === 'base64' && typeof source.data === 'string') {
    return { data: source.data, mediaType: typeof source.media_type === 'string' ? source.media_type : undefined };
  }
  if (source?.type === 'url' && typeof source.url === 'string') return { data: source.url, mediaType: undefined };
  if (source?.type === 'text' && typeof source.data === 'string') {
    return { data: `data:text/plain;base64,${Buffer.from(source.data, 'utf8').toString('base64')}`, mediaType: 'text/plain' };
  }
  throw invalidField('must be { type: base64, media_type, data }, { type: url, url } or { type: text, data }', `${where}.source`);
}

function textOfResult(content: unknown, where: string): unknown {
  if (typeof content === 'string' || content === undefined) return content ?? '';
  if (!Array.isArray(content)) throw invalidField('must be a string or a list of text blocks', where);
  return content.map((block: unknown) => (isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
}

function blockOf(block: unknown, where: string, toolNames: Map<string, string>): ContentPart {
  if (!isRecord(block)) throw invalidField('must be an object', where);
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') throw invalidField('must be a string', `${where}.text`);
      return { type: 'text', text: block.text };
    case 'image': {
      const { data, mediaType } = sourceOf(block, where);
      return { type: 'image', image: data, ...(mediaType === undefined ? {} : { mediaType }) };
    }
    case 'document': {
      const { data, mediaType } = sourceOf(block, where);
      return { type: 'file', data, mediaType: mediaType ?? 'application/pdf', ...(typeof block.title === 'string' ? { filename: block.title } : {}) };
    }
    case 'tool_use':
      if (typeof block.id !== 'string' || typeof block.name !== 'string') throw invalidField('must be { id, name, input }', where);
      toolNames.set(block.id, block.name);
      return { type: 'tool-call', id: block.id, name: block.name, arguments: block.input ?? {} };
    case 'tool_result':
      if (typeof block.tool_use_id !== 'string') throw invalidField('must name the tool_use it answers', `${where}.tool_use_id`);
      return {
        type: 'tool-result',
        id: block.tool_use_id,
        name: toolNames.get(block.tool_use_id) ?? '',
        result: textOfResult(block.content, `${where}.content`),
        ...(block.is_error === true ? { isError: true } : {}),
      };
    case 'thinking':
      return { type: 'reasoning', text: typeof block.thinking === 'string' ? block.thinking : '', ...(typeof block.signature === 'string' ? { signature: block.signature } : {}) };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', ...(typeof block.data === 'string' ? { redactedData: block.data } : {}) };
    default:
      throw invalidField(`content blocks of type ${JSON.stringify(block.type)} are not supported by this gateway`, `${where}.type`);
  }
}

/** Anthropic puts tool results in user turns; detour gives them `tool` messages of their own, before the rest of the turn. */
function messagesOf(system: unknown, value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidField('must be a non-empty list of messages', 'messages');
  const toolNames = new Map<string, string>();
  const messages: Message[] = [];
  if (system !== undefined && system !== null) {
    if (typeof system === 'string') messages.push({ role: 'system', content: system });
    else if (Array.isArray(system)) messages.push({ role: 'system', content: system.map((block, index) => blockOf(block, `system[${index}]`, toolNames)) });
    else throw invalidField('must be a string or a list of text blocks', 'system');
  }
  value.forEach((message, index) => {
    const where = `messages[${index}]`;
    if (!isRecord(message)) throw invalidField('must be an object', where);
    if (message.role !== 'user' && message.role !== 'assistant') throw invalidField('must be user or assistant', `${where}.role`);
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
      return;
    }
    if (!Array.isArray(message.content)) throw invalidField('must be a string or a list of content blocks', `${where}.content`);
    const parts = message.content.map((block, blockIndex) => blockOf(block, `${where}.content[${blockIndex}]`, toolNames));
    const results = parts.filter((part) => part.type === 'tool-result');
    const rest = parts.filter((part) => part.type !== 'tool-result');
    for (const result of results) messages.push({ role: 'tool', content: [result] });
    if (rest.length > 0 || results.length === 0) messages.push({ role: message.role, content: rest });
  });
  return messages;
}

function toolsOf(value: unknown): Tool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField('must be a list of tools', 'tools');
  return value.map((tool, index) => {
    if (!isRecord(tool) || typeof tool.name !== 'string' || (tool.type !== undefined && tool.type !== 'custom')) {
      throw invalidField('must be { name, description?, input_schema } (server tools are not supported by this gateway)', `tools[${index}]`);
    }
    return {
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: schemaField(tool.input_schema, `tools[${index}].input_schema`),
    };
  });
}

function featuresOf(body: Record<string, unknown>): RequestFeatures {
  const tools = toolsOf(body.tools);
  let toolChoice: ToolChoice | undefined;
  let parallelToolCalls: boolean | undefined;
  const choice = body.tool_choice;
  if (isRecord(choice)) {
    if (choice.type === 'auto') toolChoice = 'auto';
    else if (choice.type === 'any') toolChoice = 'required';
    else if (choice.type === 'none') toolChoice = 'none';
    else if (choice.type === 'tool' && typeof choice.name === 'string') toolChoice = { name: choice.name };
    else throw invalidField('must be { type: auto | any | none } or { type: tool, name }', 'tool_choice');
    if (choice.disable_parallel_tool_use === true) parallelToolCalls = false;
  } else if (choice !== undefined && choice !== null) throw invalidField('must be an object', 'tool_choice');
  const thinking = body.thinking;
  let reasoning: RequestFeatures['reasoning'];
  if (isRecord(thinking) && thinking.type === 'enabled') {
    reasoning = typeof thinking.budget_tokens === 'number' ? { budgetTokens: thinking.budget_tokens } : { effort: 'medium' };
  } else if (thinking !== undefined && thinking !== null && !(isRecord(thinking) && thinking.type === 'disabled')) {
    throw invalidField('must be { type: enabled, budget_tokens } or { type: disabled }', 'thinking');
  }
  const format = body.output_format;
  let responseFormat: RequestFeatures['responseFormat'];
  if (isRecord(format) && format.type === 'json_schema') {
    responseFormat = { type: 'json', schema: schemaField(format.schema, 'output_format.schema') };
  } else if (format !== undefined && format !== null) throw invalidField('must be { type: json_schema, schema }', 'output_format');
  return {
    ...(tools === undefined ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(parallelToolCalls === undefined ? {} : { parallelToolCalls }),
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
}

/**
 * Parse a Messages body; a 400 problem names the field at fault.
 *
 * @example
 * parseMessagesRequest({ model: 'default', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] })
 */
export function parseMessagesRequest(body: unknown): ParsedRequest {
  if (!isRecord(body)) throw invalidField('the request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidField('must name a policy', 'model');
  const maxTokens = optionalNumber(body, 'max_tokens');
  const temperature = optionalNumber(body, 'temperature');
  const topP = optionalNumber(body, 'top_p');
  const stop = optionalStop(body, 'stop_sequences');
  return {
    model: body.model,
    messages: messagesOf(body.system, body.messages),
    params: {
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(topP === undefined ? {} : { topP }),
      ...(stop === undefined ? {} : { stop }),
    },
    // Anthropic's own `metadata.user_id` is the fact routes and sticky groups read.
    metadata: metadataOf(body.metadata, 'metadata'),
    stream: body.stream === true,
    includeUsage: true,
    features: featuresOf(body),
  };
}
