/** detour's request as `@google/genai` generateContent parameters (wire shapes stay in this folder). */
import type { Content, FunctionCallingConfig, GenerateContentConfig, GenerateContentParameters, Part } from '@google/genai';
import { ProviderCallError } from '../../errors/ProviderCallError.js';
import { detourFact } from '../call-error.js';
import { mediaOf } from '../media.js';
import type { ContentPart, GenerateRequest, Message, ReasoningOptions, ToolChoice } from '../spec.js';
import { unsupportedInput } from '../unsupported.js';

export interface GoogleContents {
  readonly systemInstruction: string | undefined;
  readonly contents: Content[];
}

/** Thinking budgets for `reasoning.effort`. */
export const GOOGLE_THINKING_BUDGETS = { low: 1_024, medium: 8_192, high: 24_576 } as const;

/** Media types Gemini takes inline: images, audio, video, PDF and text. */
/** Whose generateContent the parameters are for: the Gemini API, or Vertex AI (refusals name it). */
export type GoogleProviderType = 'google' | 'vertex';

function inlineTypeSupported(mediaType: string): boolean {
  return /^(image|audio|video)\//.test(mediaType) || mediaType === 'application/pdf' || mediaType.startsWith('text/');
}

/** Gemini takes a result as an object: an object as it is, anything else under `result` (or `error`). */
function functionResponseOf(result: unknown, isError: boolean): Record<string, unknown> {
  if (isError) return { error: result };
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) return result as Record<string, unknown>;
  return { result };
}

function partOf(part: ContentPart, role: Message['role'], modelId: string, providerType: GoogleProviderType): Part | null {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : { text: part.text };
    case 'image':
    case 'file': {
      const media = mediaOf(part);
      const mediaType = media.mediaType;
      if (mediaType === null) throw unsupportedInput(providerType, modelId, `${part.type} parts need a mediaType`);
      if (!inlineTypeSupported(mediaType)) throw unsupportedInput(providerType, modelId, `${part.type} parts of type ${mediaType} are not supported`);
      return media.kind === 'url' ? { fileData: { fileUri: media.url, mimeType: mediaType } } : { inlineData: { data: media.data, mimeType: mediaType } };
    }
    case 'tool-call':
      if (role !== 'assistant') throw unsupportedInput(providerType, modelId, 'tool-call parts belong in assistant messages');
      return {
        functionCall: { name: part.name, args: (part.arguments ?? {}) as Record<string, unknown> },
        ...(part.signature === undefined ? {} : { thoughtSignature: part.signature }),
      };
    case 'tool-result':
      return { functionResponse: { name: part.name, response: functionResponseOf(part.result, part.isError === true) } };
    case 'reasoning':
      // Gemini's thoughts are not sent back; its signatures travel on the calls.
      return null;
  }
}

/**
 * System messages become `systemInstruction` (joined by blank lines);
 * `assistant` becomes role `model`; `tool` results become the user's
 * `functionResponse` parts (Gemini matches them to its calls by name and
 * order, so the ids stay detour's); empty messages are dropped (Gemini
 * rejects empty text parts); consecutive same-role messages become one turn.
 */
export function toGoogleContents(request: GenerateRequest, modelId = request.model, providerType: GoogleProviderType = 'google'): GoogleContents {
  let systemInstruction: string | undefined;
  const contents: Content[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      if (typeof message.content !== 'string' && message.content.some((part) => part.type !== 'text')) {
        throw unsupportedInput(providerType, modelId, 'system messages take text only');
      }
      const text = typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      if (text !== '') systemInstruction = systemInstruction === undefined ? text : `${systemInstruction}\n\n${text}`;
      continue;
    }
    const parts: Part[] = [];
    if (typeof message.content === 'string') {
      if (message.content !== '') parts.push({ text: message.content });
    } else {
      let previous: Part | undefined;
      for (const part of message.content) {
        const translated = partOf(part, message.role, modelId, providerType);
        if (translated === null) continue;
        // A message's adjacent text parts are one text part, as they are one text.
        if (translated.text !== undefined && previous?.text !== undefined && previous.thought === undefined) previous.text += translated.text;
        else {
          parts.push(translated);
          previous = translated;
        }
      }
    }
    if (parts.length === 0) continue;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const last = contents[contents.length - 1];
    if (last !== undefined && last.role === role) (last.parts as Part[]).push(...parts);
    else contents.push({ role, parts });
  }
  if (contents.length === 0) {
    throw new ProviderCallError(
      detourFact('invalid_request', 'Google needs at least one non-empty user or assistant message; the request has none', providerType),
    );
  }
  return { systemInstruction, contents };
}

function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

function functionCallingOf(choice: ToolChoice): FunctionCallingConfig {
  if (choice === 'auto') return { mode: 'AUTO' as never };
  if (choice === 'none') return { mode: 'NONE' as never };
  if (choice === 'required') return { mode: 'ANY' as never };
  return { mode: 'ANY' as never, allowedFunctionNames: [choice.name] };
}

/** `thinkingBudget` for a reasoning request: the caller's budget, else the effort's. */
export function googleThinkingBudgetOf(reasoning: ReasoningOptions): number {
  return reasoning.budgetTokens ?? GOOGLE_THINKING_BUDGETS[reasoning.effort ?? 'medium'];
}

/**
 * The parameters shared by plain and streaming calls. `extra` keys go into
 * `config` with snake_case turned to camelCase (`top_k` → `topK`), since the
 * SDK only sends the config fields it knows. Automatic continuation is off: it
 * re-sends dropped streams, a hidden retry.
 */
export function toGoogleParameters(
  request: GenerateRequest,
  modelId: string,
  signal: AbortSignal | undefined,
  perCallHttpOptions: GenerateContentConfig['httpOptions'] | undefined,
  providerType: GoogleProviderType = 'google',
): GenerateContentParameters {
  const { systemInstruction, contents } = toGoogleContents(request, modelId, providerType);
  const config: GenerateContentConfig = { automaticContinuation: false };
  if (request.extra !== undefined) {
    const extraConfig = config as Record<string, unknown>;
    for (const key of Object.keys(request.extra)) extraConfig[camelCase(key)] = request.extra[key];
  }
  if (systemInstruction !== undefined) config.systemInstruction = systemInstruction;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = [...request.stop];
  if (request.tools !== undefined && request.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parametersJsonSchema: tool.parameters,
        })),
      },
    ];
    if (request.toolChoice !== undefined) config.toolConfig = { functionCallingConfig: functionCallingOf(request.toolChoice) };
  } else if (typeof request.toolChoice === 'object' || request.toolChoice === 'required') {
    throw unsupportedInput(providerType, modelId, 'toolChoice asks for a tool but the request has no tools');
  }
  const format = request.responseFormat;
  if (format !== undefined && format.type === 'json') {
    config.responseMimeType = 'application/json';
    if (format.schema !== undefined) config.responseJsonSchema = format.schema;
  }
  if (request.reasoning !== undefined) config.thinkingConfig = { thinkingBudget: googleThinkingBudgetOf(request.reasoning), includeThoughts: true };
  if (signal !== undefined) config.abortSignal = signal;
  if (perCallHttpOptions !== undefined) config.httpOptions = perCallHttpOptions;
  return { model: request.model === '' ? modelId : request.model, contents, config };
}
