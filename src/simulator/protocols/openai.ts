/**
 * OpenAI chat completions (`POST /v1/chat/completions`), as api.openai.com
 * sends them: JSON, or SSE `data: {chunk}` frames ending in `data: [DONE]`.
 */
import { countPartsOfType, isRecord, readTurns, sequenceId, type ReplyPlan, type StreamFrames, type TurnShape, type WireProtocol } from './types.js';

function finishOf(plan: ReplyPlan): string | null {
  return plan.toolCalls.length > 0 && plan.ending === 'stop' ? 'tool_calls' : FINISH[plan.ending];
}

const FINISH: Record<ReplyPlan['ending'], string | null> = {
  stop: 'stop',
  length: 'length',
  filtered: 'content_filter',
  none: null,
};

const SYSTEM_FINGERPRINT = 'fp_detour0sim';

function usageOf(plan: ReplyPlan): object {
  const reasoningTokens = plan.reasoning === null ? 0 : Math.max(1, Math.ceil(plan.reasoning.length / 4));
  return {
    prompt_tokens: plan.inputTokens,
    completion_tokens: plan.outputTokens,
    total_tokens: plan.inputTokens + plan.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const OPENAI_TURNS: TurnShape = {
  parts: 'content',
  images: (parts) => countPartsOfType(parts, 'image_url'),
  files: (parts) => countPartsOfType(parts, 'file'),
};

export const openAIProtocol: WireProtocol = {
  provider: 'openai',

  readRequest(body, urlModel) {
    if (!isRecord(body)) return 'the request body must be a JSON object';
    const model = urlModel ?? body['model'];
    if (typeof model !== 'string' || model === '') return "you must provide a model parameter";
    const messages = body['messages'];
    if (!Array.isArray(messages)) return "Missing required parameter: 'messages'.";
    const turns = readTurns(messages, OPENAI_TURNS);
    const maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
    const streamOptions = body['stream_options'];
    const tools = Array.isArray(body['tools'])
      ? body['tools'].flatMap((tool) => (isRecord(tool) && isRecord(tool['function']) && typeof tool['function']['name'] === 'string' ? [tool['function']['name']] : []))
      : [];
    const last = messages[messages.length - 1];
    const format = body['response_format'];
    const jsonSchema = isRecord(format) && isRecord(format['json_schema']) ? (format['json_schema']['schema'] ?? null) : null;
    return {
      tools,
      lastIsToolResult: isRecord(last) && last['role'] === 'tool',
      ...turns,
      jsonSchema,
      wantsJson: isRecord(format) && (format['type'] === 'json_schema' || format['type'] === 'json_object'),
      model,
      stream: body['stream'] === true,
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
          message: {
            role: 'assistant',
            content: plan.refusal !== null || (plan.text === '' && plan.toolCalls.length > 0) ? null : plan.text,
            refusal: plan.refusal,
            annotations: [],
            ...(plan.reasoning === null ? {} : { reasoning_content: plan.reasoning }),
            ...(plan.toolCalls.length === 0
              ? {}
              : { tool_calls: plan.toolCalls.map((call) => ({ id: `call_${call.id}`, type: 'function', function: { name: call.name, arguments: call.arguments } })) }),
          },
          logprobs: null,
          finish_reason: finishOf(plan),
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
    const delta = (fields: string): string => `data: ${base}[{"index":0,"delta":{${fields}},"logprobs":null,"finish_reason":null}]${usageField}}\n\n`;
    const content = plan.chunks.map((chunk) => delta(`"content":${JSON.stringify(chunk)}`));
    if (plan.reasoning !== null) content.unshift(...plan.reasoningChunks.map((chunk) => delta(`"reasoning_content":${JSON.stringify(chunk)}`)));
    if (plan.refusal !== null) content.push(delta(`"refusal":${JSON.stringify(plan.refusal)}`));
    plan.toolCalls.forEach((call, index) => {
      content.push(delta(`"tool_calls":[{"index":${index},"id":"call_${call.id}","type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":""}}]`));
      for (const piece of call.argumentChunks) content.push(delta(`"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(piece)}}}]`));
    });
    const finishReason = finishOf(plan);
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

/** What Azure's content filter says about a choice it filtered (and about every other choice: nothing filtered). */
function azureFilterResults(filtered: boolean): Record<string, unknown> {
  const verdict = (severity: string) => ({ filtered: false, severity });
  return {
    hate: verdict('safe'),
    self_harm: verdict('safe'),
    sexual: verdict('safe'),
    violence: filtered ? { filtered: true, severity: 'high' } : verdict('safe'),
  };
}

/**
 * Azure OpenAI (`POST /openai/deployments/{deployment}/chat/completions?api-version=…`):
 * the OpenAI wire format, the deployment as the model, Azure's error shapes,
 * and `content_filter_results` on each answer's choice.
 */
export const azureOpenAIProtocol: WireProtocol = {
  ...openAIProtocol,
  provider: 'azure_openai',
  jsonBody(plan) {
    const body = JSON.parse(openAIProtocol.jsonBody(plan)) as { choices: { finish_reason: string | null; content_filter_results?: unknown }[] };
    for (const choice of body.choices) choice.content_filter_results = azureFilterResults(choice.finish_reason === 'content_filter');
    return JSON.stringify(body);
  },
};
