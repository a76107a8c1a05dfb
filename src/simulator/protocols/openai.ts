/**
 * OpenAI chat completions (`POST /v1/chat/completions`), as api.openai.com
 * sends them: JSON, or SSE `data: {chunk}` frames ending in `data: [DONE]`.
 */
import { isRecord, sequenceId, textOfContent, type ReplyPlan, type StreamFrames, type WireProtocol } from './types.js';

const FINISH: Record<ReplyPlan['ending'], string | null> = {
  stop: 'stop',
  length: 'length',
  filtered: 'content_filter',
  none: null,
};

const SYSTEM_FINGERPRINT = 'fp_detour0sim';

function usageOf(plan: ReplyPlan): object {
  return {
    prompt_tokens: plan.inputTokens,
    completion_tokens: plan.outputTokens,
    total_tokens: plan.inputTokens + plan.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export const openAIProtocol: WireProtocol = {
  provider: 'openai',

  readRequest(body, urlModel) {
    if (!isRecord(body)) return 'the request body must be a JSON object';
    const model = urlModel ?? body['model'];
    if (typeof model !== 'string' || model === '') return "you must provide a model parameter";
    const messages = body['messages'];
    if (!Array.isArray(messages)) return "Missing required parameter: 'messages'.";
    let lastUserText = '';
    let inputCharacters = 0;
    for (const message of messages) {
      if (!isRecord(message)) continue;
      const text = textOfContent(message['content']);
      inputCharacters += text.length;
      if (message['role'] === 'user') lastUserText = text;
    }
    const maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
    const streamOptions = body['stream_options'];
    return {
      model,
      stream: body['stream'] === true,
      lastUserText,
      inputCharacters,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : null,
      includeUsage: isRecord(streamOptions) && streamOptions['include_usage'] === true,
    };
  },

  newId: (sequence) => sequenceId('chatcmpl-DTR', sequence, 26),

  jsonHeaders: (requestId) => ({
    'content-type': 'application/json',
    'x-request-id': requestId,
    'openai-version': '2020-10-01',
    'openai-processing-ms': '1',
  }),

  streamHeaders: (requestId) => ({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': requestId,
    'openai-version': '2020-10-01',
    'openai-processing-ms': '1',
  }),

  jsonBody(plan) {
    return JSON.stringify({
      id: plan.id,
      object: 'chat.completion',
      created: plan.created,
      model: plan.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: plan.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: FINISH[plan.ending],
        },
      ],
      usage: usageOf(plan),
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    });
  },

  streamFrames(plan): StreamFrames {
    const base = `{"id":${JSON.stringify(plan.id)},"object":"chat.completion.chunk","created":${plan.created},"model":${JSON.stringify(plan.model)},"service_tier":"default","system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":`;
    const usageField = plan.includeUsage ? ',"usage":null' : '';
    const head = `data: ${base}[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]${usageField}}\n\n`;
    const content = plan.chunks.map(
      (chunk) => `data: ${base}[{"index":0,"delta":{"content":${JSON.stringify(chunk)}},"logprobs":null,"finish_reason":null}]${usageField}}\n\n`,
    );
    const finishReason = FINISH[plan.ending];
    if (finishReason === null) return { head, content, tail: '' };
    let tail = `data: ${base}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"${finishReason}"}]${usageField}}\n\n`;
    if (plan.includeUsage) tail += `data: ${base}[],"usage":${JSON.stringify(usageOf(plan))}}\n\n`;
    tail += 'data: [DONE]\n\n';
    return { head, content, tail };
  },

  malformedJson: (plan) => `{"id":"${plan.id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"${plan.chunks[0] ?? ''}`,

  malformedStream: (plan) => `data: {"id":"${plan.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`,

  streamErrorFrame: (body) => `data: ${body}\n\n`,
};

/**
 * Azure OpenAI (`POST /openai/deployments/{deployment}/chat/completions?api-version=…`):
 * the OpenAI wire format, the deployment as the model, Azure's error shapes.
 */
export const azureOpenAIProtocol: WireProtocol = { ...openAIProtocol, provider: 'azure_openai' };
