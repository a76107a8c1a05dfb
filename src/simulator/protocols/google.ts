/**
 * Google Gemini (`POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse`), as generativelanguage.googleapis.com
 * sends them: GenerateContentResponse JSON, or SSE `data:` frames of them.
 */
import { isRecord, readTurns, textOfContent, type ReplyPlan, type StreamFrames, type TurnShape, type WireProtocol } from './types.js';

const FINISH: Record<ReplyPlan['ending'], string | null> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  filtered: 'SAFETY',
  none: null,
};

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
];

function usageOf(plan: ReplyPlan, outputTokens: number): object {
  return {
    promptTokenCount: plan.inputTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: plan.inputTokens + outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.inputTokens }],
  };
}

function candidate(text: string | null, finishReason: string | null, parts?: readonly object[]): object {
  const content = parts ?? (text === null ? null : [{ text }]);
  return {
    ...(content === null ? {} : { content: { parts: content, role: 'model' } }),
    ...(finishReason === null ? {} : { finishReason }),
    ...(finishReason === 'SAFETY' ? { safetyRatings: SAFETY_RATINGS } : {}),
    index: 0,
  };
}

function thoughtPart(plan: ReplyPlan, text: string, last: boolean): object {
  return { text, thought: true, ...(last && plan.reasoningSignature !== null ? { thoughtSignature: plan.reasoningSignature } : {}) };
}

function callPart(call: ReplyPlan['toolCalls'][number]): object {
  return { functionCall: { name: call.name, args: JSON.parse(call.arguments) as unknown } };
}

/** Whole parts: thought, text, function calls (Gemini has no call ids and says STOP after calls). */
function partsOf(plan: ReplyPlan): object[] {
  const parts: object[] = [];
  if (plan.reasoning !== null) parts.push(thoughtPart(plan, plan.reasoning, true));
  if (plan.text !== '') parts.push({ text: plan.text });
  for (const call of plan.toolCalls) parts.push(callPart(call));
  return parts;
}

function countData(parts: unknown, image: boolean): number {
  if (!Array.isArray(parts)) return 0;
  let count = 0;
  for (const part of parts) {
    if (!isRecord(part)) continue;
    const data = isRecord(part['inlineData']) ? part['inlineData'] : isRecord(part['fileData']) ? part['fileData'] : null;
    if (data === null) continue;
    const isImage = typeof data['mimeType'] === 'string' && data['mimeType'].startsWith('image/');
    if (isImage === image) count += 1;
  }
  return count;
}

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

/** A single-turn request may leave the role out: that turn is the user's. */
const GOOGLE_TURNS: TurnShape = {
  parts: 'parts',
  isUser: (turn) => turn['role'] === 'user' || turn['role'] === undefined,
  images: (parts) => countData(parts, true),
  files: (parts) => countData(parts, false),
};

export const googleProtocol: WireProtocol = {
  provider: 'google',

  readRequest(body, urlModel, urlStream) {
    if (urlModel === null || urlModel === '') return 'model is required in the URL: /v1beta/models/{model}:generateContent';
    if (!isRecord(body)) return 'Invalid JSON payload received.';
    const contents = body['contents'];
    if (!Array.isArray(contents)) return '* GenerateContentRequest.contents: contents is not specified';
    const system = body['systemInstruction'];
    const turns = readTurns(contents, GOOGLE_TURNS, isRecord(system) ? textOfContent(system['parts']) : '');
    const generationConfig = body['generationConfig'];
    const maxTokens = isRecord(generationConfig) ? generationConfig['maxOutputTokens'] : undefined;
    const tools = Array.isArray(body['tools'])
      ? body['tools'].flatMap((tool) =>
          isRecord(tool) && Array.isArray(tool['functionDeclarations'])
            ? tool['functionDeclarations'].flatMap((declaration) => (isRecord(declaration) && typeof declaration['name'] === 'string' ? [declaration['name']] : []))
            : [],
        )
      : [];
    const last = contents[contents.length - 1];
    const lastParts = isRecord(last) && Array.isArray(last['parts']) ? last['parts'] : [];
    const config = isRecord(generationConfig) ? generationConfig : {};
    return {
      tools,
      lastIsToolResult: lastParts.some((part) => isRecord(part) && part['functionResponse'] !== undefined),
      ...turns,
      jsonSchema: config['responseJsonSchema'] ?? config['responseSchema'] ?? null,
      wantsJson: config['responseMimeType'] === 'application/json',
      model: urlModel,
      stream: urlStream,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : null,
      includeUsage: true,
    };
  },

  newId: (sequence) => `DTR${sequence.toString(36).padStart(19, '0')}`,

  jsonHeaders: () => ({ 'content-type': 'application/json; charset=UTF-8', server: 'scaffolding on HTTPServer2' }),

  streamHeaders: () => ({ 'content-type': 'text/event-stream', server: 'scaffolding on HTTPServer2' }),

  jsonBody(plan) {
    const finishReason = FINISH[plan.ending];
    const featured = plan.reasoning !== null || plan.toolCalls.length > 0;
    return JSON.stringify({
      candidates: [candidate(plan.ending === 'filtered' && plan.text === '' ? null : plan.text, finishReason, featured ? partsOf(plan) : undefined)],
      usageMetadata: usageOf(plan, plan.outputTokens),
      modelVersion: plan.model,
      responseId: plan.id,
    });
  },

  streamFrames(plan): StreamFrames {
    const finishReason = FINISH[plan.ending];
    const last = plan.chunks.length - 1;
    let sent = 0;
    const content = plan.chunks.map((chunk, index) => {
      sent += chunk.length;
      const isLast = index === last && plan.ending !== 'filtered';
      return frame({
        candidates: [candidate(chunk, isLast ? finishReason : null)],
        usageMetadata: usageOf(plan, Math.ceil(sent / 4)),
        modelVersion: plan.model,
        responseId: plan.id,
      });
    });
    if (plan.reasoning !== null || plan.toolCalls.length > 0) {
      const chunkFrame = (parts: readonly object[], finish: string | null): string =>
        frame({ candidates: [candidate(null, finish, parts)], usageMetadata: usageOf(plan, plan.outputTokens), modelVersion: plan.model, responseId: plan.id });
      const featured = [
        ...plan.reasoningChunks.map((chunk, index) => chunkFrame([thoughtPart(plan, chunk, index === plan.reasoningChunks.length - 1)], null)),
        ...plan.chunks.map((chunk) => chunkFrame([{ text: chunk }], null)),
        ...plan.toolCalls.map((call) => chunkFrame([callPart(call)], null)),
      ];
      return { head: '', content: featured, tail: finishReason === null ? '' : chunkFrame([], finishReason) };
    }
    const tail =
      plan.ending === 'filtered' || (last < 0 && finishReason !== null)
        ? frame({
            candidates: [candidate(null, finishReason)],
            usageMetadata: usageOf(plan, plan.outputTokens),
            modelVersion: plan.model,
            responseId: plan.id,
          })
        : '';
    return { head: '', content, tail };
  },

  malformedJson: (plan) => `{"candidates":[{"content":{"parts":[{"text":"${plan.model}`,

  malformedStream: (plan) => `data: {"candidates":[{"content":{"parts":[{"text":"${plan.model}\r\n\r\n`,

  streamErrorFrame: (body) => `data: ${body}\r\n\r\n`,
};
