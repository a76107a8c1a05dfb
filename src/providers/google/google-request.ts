/** detour's request as `@google/genai` generateContent parameters (wire shapes stay in this folder). */
import type { Content, GenerateContentConfig, GenerateContentParameters, Part } from '@google/genai';
import { ProviderCallError } from '../../errors/ProviderCallError.js';
import { detourFact } from '../call-error.js';
import { messageText } from '../params.js';
import type { GenerateRequest } from '../spec.js';
import { requireTextOnly } from '../unsupported.js';

export interface GoogleContents {
  readonly systemInstruction: string | undefined;
  readonly contents: Content[];
}

/**
 * System messages become `systemInstruction` (joined by blank lines); `assistant`
 * becomes role `model`; empty messages are dropped (Gemini rejects empty text
 * parts); consecutive same-role messages become one turn with a part each.
 */
export function toGoogleContents(request: GenerateRequest): GoogleContents {
  let systemInstruction: string | undefined;
  const contents: Content[] = [];
  for (const message of request.messages) {
    const text = messageText(message);
    if (message.role === 'system') {
      if (text !== '') systemInstruction = systemInstruction === undefined ? text : `${systemInstruction}\n\n${text}`;
      continue;
    }
    if (text === '') continue;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const last = contents[contents.length - 1];
    if (last !== undefined && last.role === role) (last.parts as Part[]).push({ text });
    else contents.push({ role, parts: [{ text }] });
  }
  if (contents.length === 0) {
    throw new ProviderCallError(
      detourFact('invalid_request', 'Google needs at least one non-empty user or assistant message; the request has none', 'google'),
    );
  }
  return { systemInstruction, contents };
}

function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
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
): GenerateContentParameters {
  requireTextOnly('google', modelId, request);
  const { systemInstruction, contents } = toGoogleContents(request);
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
  if (signal !== undefined) config.abortSignal = signal;
  if (perCallHttpOptions !== undefined) config.httpOptions = perCallHttpOptions;
  return { model: request.model === '' ? modelId : request.model, contents, config };
}
