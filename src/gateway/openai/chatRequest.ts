/**
 * An OpenAI Chat Completions request body in detour's shapes: messages
 * (text, images, files, assistant tool calls, tool results), sampling
 * parameters, tools, tool choice, response format and reasoning effort.
 */
import type { ContentPart, Message, RequestFeatures, Tool, ToolChoice } from '../../providers/spec.js';
import { invalidField, isRecord, metadataOf, optionalNumber, optionalStop, parseArguments, schemaField, type ParsedRequest } from '../wire.js';

const DATA_URL = /^data:([^;,]+)[;,]/;

function partOf(part: unknown, where: string): ContentPart {
  if (!isRecord(part)) throw invalidField('must be an object', where);
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalidField('must be a string', `${where}.text`);
      return { type: 'text', text: part.text };
    case 'image_url': {
      const url = isRecord(part.image_url) ? part.image_url.url : undefined;
      if (typeof url !== 'string') throw invalidField('must be a URL or a data URL', `${where}.image_url.url`);
      return { type: 'image', image: url };
    }
    case 'file': {
      const file = isRecord(part.file) ? part.file : {};
      if (typeof file.file_data !== 'string') throw invalidField('file_data (a data URL) is required; file ids are not supported by this gateway', `${where}.file`);
      const mediaType = DATA_URL.exec(file.file_data)?.[1] ?? 'application/pdf';
      return { type: 'file', data: file.file_data, mediaType, ...(typeof file.filename === 'string' ? { filename: file.filename } : {}) };
    }
    case 'refusal':
      return { type: 'text', text: typeof part.refusal === 'string' ? part.refusal : '' };
    default:
      throw invalidField(`content parts of type ${JSON.stringify(part.type)} are not supported by this gateway`, `${where}.type`);
  }
}

function contentOf(value: unknown, where: string): string | ContentPart[] {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (!Array.isArray(value)) throw invalidField('must be a string or a list of content parts', where);
  return value.map((part, index) => partOf(part, `${where}[${index}]`));
}

/** Tool results as text: a string stays as is, text parts are joined. */
function toolResultOf(value: unknown, where: string): string {
  const content = contentOf(value, where);
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function messagesOf(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidField('must be a non-empty list of messages', 'messages');
  const toolNames = new Map<string, string>();
  return value.map((message, index): Message => {
    const where = `messages[${index}]`;
    if (!isRecord(message)) throw invalidField('must be an object', where);
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: contentOf(message.content, `${where}.content`) };
      case 'user':
        return { role: 'user', content: contentOf(message.content, `${where}.content`) };
      case 'assistant': {
        const content = contentOf(message.content, `${where}.content`);
        if (!Array.isArray(message.tool_calls) || message.tool_calls.length === 0) return { role: 'assistant', content };
        const parts: ContentPart[] = typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : [...content];
        message.tool_calls.forEach((call: unknown, callIndex) => {
          const at = `${where}.tool_calls[${callIndex}]`;
          const fn = isRecord(call) && isRecord(call.function) ? call.function : null;
          if (fn === null || typeof fn.name !== 'string' || !isRecord(call) || typeof call.id !== 'string') throw invalidField('must be { id, type: "function", function: { name, arguments } }', at);
          toolNames.set(call.id, fn.name);
          parts.push({ type: 'tool-call', id: call.id, name: fn.name, arguments: parseArguments(fn.arguments) });
        });
        return { role: 'assistant', content: parts };
      }
      case 'tool': {
        if (typeof message.tool_call_id !== 'string') throw invalidField('must name the call it answers', `${where}.tool_call_id`);
        const id = message.tool_call_id;
        const result = toolResultOf(message.content, `${where}.content`);
        return { role: 'tool', content: [{ type: 'tool-result', id, name: toolNames.get(id) ?? '', result }] };
      }
      default:
        throw invalidField(`role ${JSON.stringify(message.role)} is not supported (system, developer, user, assistant, tool)`, `${where}.role`);
    }
  });
}

function toolsOf(value: unknown): Tool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField('must be a list of tools', 'tools');
  return value.map((tool, index) => {
    const fn = isRecord(tool) && tool.type === 'function' && isRecord(tool.function) ? tool.function : null;
    if (fn === null || typeof fn.name !== 'string') throw invalidField('must be { type: "function", function: { name, description?, parameters } }', `tools[${index}]`);
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: fn.parameters === undefined ? { type: 'object', properties: {} } : schemaField(fn.parameters, `tools[${index}].function.parameters`),
    };
  });
}

function toolChoiceOf(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isRecord(value) && isRecord(value.function) && typeof value.function.name === 'string') return { name: value.function.name };
  throw invalidField('must be auto, none, required or { type: "function", function: { name } }', 'tool_choice');
}

function featuresOf(body: Record<string, unknown>): RequestFeatures {
  const tools = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const format = body.response_format;
  let responseFormat: RequestFeatures['responseFormat'];
  if (isRecord(format)) {
    if (format.type === 'text') responseFormat = { type: 'text' };
    else if (format.type === 'json_object') responseFormat = { type: 'json' };
    else if (format.type === 'json_schema' && isRecord(format.json_schema)) {
      const spec = format.json_schema;
      responseFormat = {
        type: 'json',
        ...(spec.schema === undefined ? {} : { schema: schemaField(spec.schema, 'response_format.json_schema.schema') }),
        ...(typeof spec.name === 'string' ? { name: spec.name } : {}),
      };
    } else throw invalidField('must be { type: text | json_object | json_schema }', 'response_format');
  } else if (format !== undefined && format !== null) throw invalidField('must be an object', 'response_format');
  const effort = body.reasoning_effort;
  if (effort !== undefined && effort !== null && effort !== 'minimal' && effort !== 'low' && effort !== 'medium' && effort !== 'high') {
    throw invalidField('must be minimal, low, medium or high', 'reasoning_effort');
  }
  return {
    ...(tools === undefined ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(typeof body.parallel_tool_calls === 'boolean' ? { parallelToolCalls: body.parallel_tool_calls } : {}),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(typeof effort === 'string' ? { reasoning: { effort: effort === 'minimal' ? 'low' : effort } } : {}),
  };
}

/**
 * Parse a Chat Completions body; a 400 problem names the field at fault.
 *
 * @example
 * parseChatRequest({ model: 'default', messages: [{ role: 'user', content: 'Hi' }], stream: true })
 */
export function parseChatRequest(body: unknown): ParsedRequest {
  if (!isRecord(body)) throw invalidField('the request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidField('must name a policy', 'model');
  const n = optionalNumber(body, 'n');
  if (n !== undefined && n !== 1) throw invalidField('only 1 choice is supported', 'n');
  const maxTokens = optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens');
  const temperature = optionalNumber(body, 'temperature');
  const topP = optionalNumber(body, 'top_p');
  const stop = optionalStop(body, 'stop');
  const metadata = metadataOf(body.metadata, 'metadata');
  if (typeof body.user === 'string' && metadata.user_id === undefined) metadata.user_id = body.user;
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    model: body.model,
    messages: messagesOf(body.messages),
    params: {
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(topP === undefined ? {} : { topP }),
      ...(stop === undefined ? {} : { stop }),
    },
    metadata,
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
    features: featuresOf(body),
  };
}
