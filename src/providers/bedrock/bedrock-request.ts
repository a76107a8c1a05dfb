/** detour's request as a Bedrock Converse request (wire shapes stay in this folder). */
import type { ContentBlock, ConverseCommandInput, Message as ConverseMessage } from '@aws-sdk/client-bedrock-runtime';
import { thinkingBudgetOf } from '../anthropic/anthropic-request.js';
import { mediaOf, toolResultText } from '../media.js';
import type { ContentPart, GenerateRequest, Message } from '../spec.js';
import { alternatingTurns, trimPrefill } from '../turns.js';
import { unsupportedInput } from '../unsupported.js';

/** `maxTokens` when neither the caller nor the catalog gives one and thinking needs room beside its budget. */
export const DEFAULT_BEDROCK_MAX_TOKENS = 1024;

const IMAGE_FORMATS: Readonly<Record<string, 'png' | 'jpeg' | 'gif' | 'webp'>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Readonly<Record<string, 'pdf' | 'txt' | 'csv' | 'html' | 'md' | 'doc' | 'docx' | 'xls' | 'xlsx'>> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/html': 'html',
  'text/markdown': 'md',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** Converse's top-level request fields a catalog's `params` may set (either spelling); every other key goes to the model. */
const CONVERSE_FIELDS: Readonly<Record<string, keyof ConverseCommandInput>> = {
  guardrailConfig: 'guardrailConfig',
  guardrail_config: 'guardrailConfig',
  performanceConfig: 'performanceConfig',
  performance_config: 'performanceConfig',
  requestMetadata: 'requestMetadata',
  request_metadata: 'requestMetadata',
  serviceTier: 'serviceTier',
  service_tier: 'serviceTier',
  promptVariables: 'promptVariables',
  prompt_variables: 'promptVariables',
  additionalModelResponseFieldPaths: 'additionalModelResponseFieldPaths',
  additional_model_response_field_paths: 'additionalModelResponseFieldPaths',
};

function bytesOf(base64: string): Uint8Array {
  return Buffer.from(base64, 'base64');
}

/** Converse document names allow letters, digits, spaces, hyphens, parentheses and brackets. */
function documentName(filename: string | undefined, index: number): string {
  const cleaned = (filename ?? '').replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9\s\-()[\]]/g, ' ').replace(/\s+/g, ' ').trim();
  return cleaned === '' ? `document ${index}` : cleaned;
}

function blockOf(part: ContentPart, role: Message['role'], modelId: string, counter: { documents: number }): ContentBlock | null {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : { text: part.text };
    case 'image': {
      const media = mediaOf(part);
      if (media.kind === 'url') throw unsupportedInput('bedrock', modelId, 'image parts must carry their bytes (Bedrock takes no image URLs)');
      const format = media.mediaType === null ? undefined : IMAGE_FORMATS[media.mediaType];
      if (format === undefined) throw unsupportedInput('bedrock', modelId, `image parts of type ${media.mediaType ?? 'unknown (give mediaType)'} are not supported`);
      return { image: { format, source: { bytes: bytesOf(media.data) } } };
    }
    case 'file': {
      const media = mediaOf(part);
      const format = DOCUMENT_FORMATS[part.mediaType];
      if (media.kind === 'url' || format === undefined) {
        throw unsupportedInput('bedrock', modelId, `file parts of type ${part.mediaType}${media.kind === 'url' ? ' given as a URL' : ''} are not supported (bytes of PDF, text, CSV, HTML, Markdown, Word or Excel documents are)`);
      }
      counter.documents += 1;
      return { document: { format, name: documentName(part.filename, counter.documents), source: { bytes: bytesOf(media.data) } } };
    }
    case 'tool-call':
      if (role !== 'assistant') throw unsupportedInput('bedrock', modelId, 'tool-call parts belong in assistant messages');
      return { toolUse: { toolUseId: part.id, name: part.name, input: (part.arguments ?? {}) as never } };
    case 'tool-result': {
      const result = part.result;
      const content = typeof result === 'object' && result !== null && !Array.isArray(result) ? [{ json: result as never }] : [{ text: toolResultText(result) }];
      return { toolResult: { toolUseId: part.id, content, ...(part.isError === true ? { status: 'error' as const } : {}) } };
    }
    case 'reasoning':
      // Only signed reasoning (Claude's, through Bedrock or Anthropic) goes back; other providers' is not sent.
      if (role !== 'assistant') return null;
      if (part.redactedData !== undefined) return { reasoningContent: { redactedContent: bytesOf(part.redactedData) } };
      if (part.signature === undefined || part.signature === '') return null;
      return { reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } };
  }
}

function blocksOf(message: Message, modelId: string, counter: { documents: number }): ContentBlock[] {
  if (typeof message.content === 'string') return message.content === '' ? [] : [{ text: message.content }];
  const blocks: ContentBlock[] = [];
  for (const part of message.content) {
    const block = blockOf(part, message.role, modelId, counter);
    if (block !== null) blocks.push(block);
  }
  return blocks;
}

/**
 * System messages become `system` blocks; a `tool` message becomes the user's
 * `toolResult` blocks; consecutive same-role messages merge into one turn so
 * roles alternate, and a user turn goes first when the conversation starts
 * with the assistant (Converse requires both).
 */
function conversation(request: GenerateRequest, modelId: string): { system: { text: string }[]; messages: ConverseMessage[] } {
  const counter = { documents: 0 };
  const { system, turns } = alternatingTurns<ContentBlock>(request.messages, (message) => blocksOf(message, modelId, counter), {
    provider: 'bedrock',
    label: 'Bedrock',
    modelId,
    leading: { text: '.' },
  });
  // Claude through Converse refuses a final assistant turn (a prefill) that ends in whitespace, as Anthropic's API does.
  trimPrefill(
    turns,
    (block) => block.text,
    (block, text) => {
      (block as { text: string }).text = text;
    },
  );
  return { system: system.map((text) => ({ text })), messages: turns };
}

function hasToolBlocks(messages: readonly ConverseMessage[]): boolean {
  return messages.some((message) => message.content?.some((block) => block.toolUse !== undefined || block.toolResult !== undefined) === true);
}

/** Whether the model takes Anthropic's `thinking` field (Claude, by id or inference profile). */
function isClaude(modelId: string): boolean {
  return /(^|[.:/])anthropic\.claude|claude-/.test(modelId);
}

/** Amazon Nova's reasoning switch. */
function isNova(modelId: string): boolean {
  return /(^|[.:/])amazon\.nova/.test(modelId);
}

/**
 * The Converse input for a request, shared by plain and streaming calls.
 * Catalog params that are Converse fields (`guardrail_config`, `performance_config`,
 * `request_metadata`, `service_tier`, …) go to the top level; every other extra key
 * goes to the model in `additionalModelRequestFields` (e.g. `top_k`).
 *
 * @example
 * toConverseInput({ model: 'us.anthropic.claude-sonnet-4-20250514-v1:0', messages: [{ role: 'user', content: 'Hi' }] }, 'us.anthropic.claude-sonnet-4-20250514-v1:0')
 * // → { modelId: 'us.anthropic…', messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }
 */
export function toConverseInput(request: GenerateRequest, modelId: string): ConverseCommandInput {
  const { system, messages } = conversation(request, modelId);
  const input: ConverseCommandInput = { modelId: request.model === '' ? modelId : request.model, messages };
  const additional: Record<string, unknown> = {};
  const format = request.responseFormat;
  if (format !== undefined && format.type === 'json' && format.schema === undefined) {
    system.push({ text: 'Answer with one JSON value and nothing else.' });
  }
  if (system.length > 0) input.system = system;
  let maxTokens = request.maxTokens;
  if (request.reasoning !== undefined) {
    if (isClaude(input.modelId ?? modelId)) {
      const budget = thinkingBudgetOf(request.reasoning);
      const wanted = maxTokens ?? DEFAULT_BEDROCK_MAX_TOKENS;
      maxTokens = wanted <= budget ? budget + wanted : wanted;
      additional['thinking'] = { type: 'enabled', budget_tokens: budget };
    } else if (isNova(input.modelId ?? modelId)) {
      additional['reasoningConfig'] = { type: 'enabled', maxReasoningEffort: request.reasoning.effort ?? 'medium' };
    } else {
      throw unsupportedInput('bedrock', modelId, 'reasoning options are mapped for Claude and Nova models; give this model its own field in the catalog params');
    }
  }
  const inference: NonNullable<ConverseCommandInput['inferenceConfig']> = {};
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.topP !== undefined) inference.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) inference.stopSequences = [...request.stop];
  if (Object.keys(inference).length > 0) input.inferenceConfig = inference;
  const offersTools = request.tools !== undefined && request.tools.length > 0;
  if (offersTools && (request.toolChoice !== 'none' || hasToolBlocks(messages))) {
    const choice = request.toolChoice;
    input.toolConfig = {
      tools: request.tools!.map((tool) => ({
        toolSpec: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), inputSchema: { json: tool.parameters as never } },
      })),
      // Converse has no `none`: the tools stay (the history needs them) and the model decides.
      ...(choice === 'required' ? { toolChoice: { any: {} } } : typeof choice === 'object' ? { toolChoice: { tool: { name: choice.name } } } : choice === 'auto' ? { toolChoice: { auto: {} } } : {}),
    };
  } else if (typeof request.toolChoice === 'object' || request.toolChoice === 'required') {
    throw unsupportedInput('bedrock', modelId, 'toolChoice asks for a tool but the request has no tools');
  } else if (hasToolBlocks(messages)) {
    throw unsupportedInput('bedrock', modelId, 'the history has tool calls or results, so Bedrock needs the request to list its tools');
  }
  if (format !== undefined && format.type === 'json' && format.schema !== undefined) {
    input.outputConfig = {
      textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(format.schema), name: format.name ?? 'response' } } },
    };
  }
  if (request.extra !== undefined) {
    for (const [key, value] of Object.entries(request.extra)) {
      const field = CONVERSE_FIELDS[key];
      if ((key === 'additionalModelRequestFields' || key === 'additional_model_request_fields') && typeof value === 'object' && value !== null) Object.assign(additional, value);
      else if (field !== undefined) (input as unknown as Record<string, unknown>)[field] = value;
      else additional[key] = value;
    }
  }
  if (Object.keys(additional).length > 0) input.additionalModelRequestFields = additional as never;
  return input;
}
