/**
 * Google Gemini (`POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse`), as generativelanguage.googleapis.com
 * sends them: GenerateContentResponse JSON, or SSE `data:` frames of them.
 */
import { isRecord, textOfContent, type ReplyPlan, type StreamFrames, type WireProtocol } from './types.js';

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

function candidate(text: string | null, finishReason: string | null): object {
  return {
    ...(text === null ? {} : { content: { parts: [{ text }], role: 'model' } }),
    ...(finishReason === null ? {} : { finishReason }),
    ...(finishReason === 'SAFETY' ? { safetyRatings: SAFETY_RATINGS } : {}),
    index: 0,
  };
}

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

export const googleProtocol: WireProtocol = {
  provider: 'google',

  readRequest(body, urlModel, urlStream) {
    if (urlModel === null || urlModel === '') return 'model is required in the URL: /v1beta/models/{model}:generateContent';
    if (!isRecord(body)) return 'Invalid JSON payload received.';
    const contents = body['contents'];
    if (!Array.isArray(contents)) return '* GenerateContentRequest.contents: contents is not specified';
    let lastUserText = '';
    let inputCharacters = 0;
    const system = body['systemInstruction'];
    if (isRecord(system)) inputCharacters += textOfContent(system['parts']).length;
    for (const content of contents) {
      if (!isRecord(content)) continue;
      const text = textOfContent(content['parts']);
      inputCharacters += text.length;
      if (content['role'] === 'user' || content['role'] === undefined) lastUserText = text;
    }
    const generationConfig = body['generationConfig'];
    const maxTokens = isRecord(generationConfig) ? generationConfig['maxOutputTokens'] : undefined;
    return {
      model: urlModel,
      stream: urlStream,
      lastUserText,
      inputCharacters,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : null,
      includeUsage: true,
    };
  },

  newId: (sequence) => `DTR${sequence.toString(36).padStart(19, '0')}`,

  jsonHeaders: () => ({ 'content-type': 'application/json; charset=UTF-8', server: 'scaffolding on HTTPServer2' }),

  streamHeaders: () => ({ 'content-type': 'text/event-stream', server: 'scaffolding on HTTPServer2' }),

  jsonBody(plan) {
    const finishReason = FINISH[plan.ending];
    return JSON.stringify({
      candidates: [candidate(plan.ending === 'filtered' && plan.text === '' ? null : plan.text, finishReason)],
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
