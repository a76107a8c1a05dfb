/**
 * detour's messages and the AI SDK's language-model prompt, both ways: the
 * `ai_sdk` adapter sends detour's messages to an AI SDK model, and
 * `detourModel` reads the prompt the AI SDK hands it.
 */
import type {
  LanguageModelV4FilePart,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  LanguageModelV4ReasoningPart,
  LanguageModelV4TextPart,
  LanguageModelV4ToolCallPart,
  LanguageModelV4ToolResultOutput,
  LanguageModelV4ToolResultPart,
  SharedV4Warning,
} from '@ai-sdk/provider';
import { mediaOf, toolResultText } from '../media.js';
import type { ContentPart, Message } from '../spec.js';

/** The AI SDK's media type for an image part: the part's, else the top-level `image` (the model decides). */
function imageMediaType(mediaType: string | null): string {
  return mediaType ?? 'image';
}

function filePart(part: Extract<ContentPart, { type: 'image' | 'file' }>): LanguageModelV4FilePart {
  const media = mediaOf(part);
  const mediaType = part.type === 'image' ? imageMediaType(media.mediaType) : part.mediaType;
  const data = media.kind === 'url' ? { type: 'url' as const, url: new URL(media.url) } : { type: 'data' as const, data: media.data };
  const filename = part.type === 'file' ? part.filename : undefined;
  return { type: 'file', mediaType, data, ...(filename === undefined ? {} : { filename }) };
}

function toolOutput(result: unknown, isError: boolean): LanguageModelV4ToolResultOutput {
  if (typeof result === 'string') return isError ? { type: 'error-text', value: result } : { type: 'text', value: result };
  const value = JSON.parse(toolResultText(result ?? null)) as never;
  return isError ? { type: 'error-json', value } : { type: 'json', value };
}

function partsOf(content: Message['content']): readonly ContentPart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * detour's messages as an AI SDK prompt. System messages keep their text;
 * images and files become file parts (URLs stay URLs); tool calls and results
 * keep their ids; reasoning goes back to the model as reasoning.
 *
 * @example
 * toAiSdkPrompt([{ role: 'user', content: 'Hi' }]) // [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]
 */
export function toAiSdkPrompt(messages: readonly Message[]): LanguageModelV4Prompt {
  const prompt: LanguageModelV4Message[] = [];
  for (const message of messages) {
    const parts = partsOf(message.content);
    switch (message.role) {
      case 'system':
        prompt.push({ role: 'system', content: parts.map((part) => (part.type === 'text' ? part.text : '')).join('') });
        break;
      case 'user': {
        const content: (LanguageModelV4TextPart | LanguageModelV4FilePart)[] = [];
        for (const part of parts) {
          if (part.type === 'text') content.push({ type: 'text', text: part.text });
          else if (part.type === 'image' || part.type === 'file') content.push(filePart(part));
        }
        prompt.push({ role: 'user', content });
        break;
      }
      case 'assistant': {
        const content: (LanguageModelV4TextPart | LanguageModelV4ReasoningPart | LanguageModelV4ToolCallPart)[] = [];
        for (const part of parts) {
          if (part.type === 'text') content.push({ type: 'text', text: part.text });
          else if (part.type === 'reasoning' && part.text !== '') content.push({ type: 'reasoning', text: part.text });
          else if (part.type === 'tool-call') content.push({ type: 'tool-call', toolCallId: part.id, toolName: part.name, input: part.arguments });
        }
        prompt.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const content: LanguageModelV4ToolResultPart[] = [];
        for (const part of parts) {
          if (part.type === 'tool-result') content.push({ type: 'tool-result', toolCallId: part.id, toolName: part.name, output: toolOutput(part.result, part.isError === true) });
        }
        prompt.push({ role: 'tool', content });
        break;
      }
    }
  }
  return prompt;
}

function resultOf(output: LanguageModelV4ToolResultOutput): { result: unknown; isError: boolean } {
  switch (output.type) {
    case 'text':
    case 'json':
      return { result: output.value, isError: false };
    case 'error-text':
    case 'error-json':
      return { result: output.value, isError: true };
    case 'execution-denied':
      return { result: output.reason ?? 'The tool call was not approved.', isError: true };
    case 'content':
      return { result: output.value.map((item) => (item.type === 'text' ? item.text : '')).join(''), isError: false };
  }
}

/** A user or assistant file part as detour's image or file part; null (with a warning) for data detour cannot carry. */
function contentOfFile(part: LanguageModelV4FilePart, warnings: SharedV4Warning[]): ContentPart | null {
  const data = part.data;
  let value: string | Uint8Array;
  if (data.type === 'data') value = data.data;
  else if (data.type === 'url') value = data.url.toString();
  else if (data.type === 'text') value = Buffer.from(data.text, 'utf8').toString('base64');
  else {
    warnings.push({ type: 'unsupported', feature: 'file reference', details: 'provider file references are not sent through detour; pass the data or a URL' });
    return null;
  }
  const mediaType = part.mediaType.includes('/') ? part.mediaType : undefined;
  if (part.mediaType.startsWith('image')) return { type: 'image', image: value, ...(mediaType === undefined ? {} : { mediaType }) };
  return { type: 'file', data: value, mediaType: mediaType ?? 'application/octet-stream', ...(part.filename === undefined ? {} : { filename: part.filename }) };
}

/**
 * The AI SDK's prompt as detour's messages. What detour cannot carry (provider
 * file references, custom parts, approval responses) is dropped with a warning.
 *
 * @example
 * fromAiSdkPrompt([{ role: 'system', content: 'Be brief' }], warnings) // [{ role: 'system', content: 'Be brief' }]
 */
export function fromAiSdkPrompt(prompt: LanguageModelV4Prompt, warnings: SharedV4Warning[]): Message[] {
  const messages: Message[] = [];
  for (const message of prompt) {
    if (message.role === 'system') {
      messages.push({ role: 'system', content: message.content });
      continue;
    }
    const content: ContentPart[] = [];
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
          content.push({ type: 'text', text: part.text });
          break;
        case 'file': {
          const converted = contentOfFile(part, warnings);
          if (converted !== null) content.push(converted);
          break;
        }
        case 'reasoning':
          content.push({ type: 'reasoning', text: part.text, ...signatureOf(part.providerOptions) });
          break;
        case 'tool-call':
          content.push({ type: 'tool-call', id: part.toolCallId, name: part.toolName, arguments: part.input });
          break;
        case 'tool-result':
          content.push({ type: 'tool-result', id: part.toolCallId, name: part.toolName, ...resultOf(part.output) });
          break;
        default:
          warnings.push({ type: 'unsupported', feature: `${part.type} prompt part`, details: 'not sent through detour' });
      }
    }
    messages.push({ role: message.role, content });
  }
  return messages;
}

/** A reasoning part's signature as the AI SDK's Anthropic provider keeps it (`providerOptions.anthropic.signature`). */
function signatureOf(options: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined): { signature?: string } {
  const signature = options?.['anthropic']?.['signature'] ?? options?.['detour']?.['signature'];
  return typeof signature === 'string' ? { signature } : {};
}
