/**
 * Amazon Bedrock's Converse API (`POST /model/{modelId}/converse`) and
 * ConverseStream (`/model/{modelId}/converse-stream`), as
 * bedrock-runtime.{region}.amazonaws.com sends them: a ConverseResponse, or
 * an AWS event stream (binary frames, one JSON event each). Errors inside a
 * stream are `exception` messages named after the error.
 */
import { bedrockErrorType } from '../../errors/catalog-bedrock.js';
import { eventMessage, exceptionMessage } from '../eventStream.js';
import { isRecord, readTurns, textOfContent, type Frame, type ReplyPlan, type StreamFrames, type TurnShape, type WireProtocol } from './types.js';

const STOP_REASON: Record<ReplyPlan['ending'], string | null> = {
  stop: 'end_turn',
  length: 'max_tokens',
  filtered: 'content_filtered',
  none: null,
};

/** Bedrock pads event payloads with a `p` field so sizes do not leak the text; the SDK ignores it. */
const PADDING = 'abcdefghijklmnopqrstuvwxyzABCDEF';

function stopReasonOf(plan: ReplyPlan): string | null {
  if (plan.refusal !== null && plan.ending === 'stop') return 'content_filtered';
  return plan.toolCalls.length > 0 && plan.ending === 'stop' ? 'tool_use' : STOP_REASON[plan.ending];
}

function blocksOf(content: unknown, key: string): number {
  return Array.isArray(content) ? content.filter((block) => isRecord(block) && block[key] !== undefined).length : 0;
}

function usageOf(plan: ReplyPlan): object {
  return { inputTokens: plan.inputTokens, outputTokens: plan.outputTokens, totalTokens: plan.inputTokens + plan.outputTokens };
}

function toolUseId(call: ReplyPlan['toolCalls'][number]): string {
  return `tooluse_${call.id}`;
}

/** Whole content blocks: reasoning, text, tool calls. */
function contentBlocks(plan: ReplyPlan): object[] {
  const blocks: object[] = [];
  if (plan.reasoning !== null) blocks.push({ reasoningContent: { reasoningText: { text: plan.reasoning, signature: plan.reasoningSignature } } });
  if (plan.text !== '') blocks.push({ text: plan.text });
  for (const call of plan.toolCalls) blocks.push({ toolUse: { toolUseId: toolUseId(call), name: call.name, input: JSON.parse(call.arguments) as unknown } });
  return blocks;
}

function event(type: string, payload: Record<string, unknown>): Buffer {
  return eventMessage(type, { ...payload, p: PADDING.slice(0, 8 + (type.length % 16)) });
}

/** Stream frames, one per content chunk: reasoning deltas (then its signature), text deltas, tool calls (start, argument pieces, stop). */
function contentFrames(plan: ReplyPlan): { frames: Frame[]; openTextBlock: number | null } {
  const frames: Frame[] = [];
  let index = 0;
  if (plan.reasoning !== null) {
    const deltas = plan.reasoningChunks.map((chunk) => event('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: chunk } } }));
    const last = Buffer.concat([
      event('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { signature: plan.reasoningSignature } } }),
      event('contentBlockStop', { contentBlockIndex: index }),
    ]);
    if (deltas.length === 0) frames.push(last);
    else {
      deltas[deltas.length - 1] = Buffer.concat([deltas[deltas.length - 1]!, last]);
      frames.push(...deltas);
    }
    index += 1;
  }
  let openTextBlock: number | null = null;
  if (plan.chunks.length > 0) {
    const textIndex = index;
    frames.push(...plan.chunks.map((chunk) => event('contentBlockDelta', { contentBlockIndex: textIndex, delta: { text: chunk } })));
    openTextBlock = textIndex;
    index += 1;
  }
  for (const call of plan.toolCalls) {
    const callIndex = index;
    if (openTextBlock !== null) {
      frames.push(event('contentBlockStop', { contentBlockIndex: openTextBlock }));
      openTextBlock = null;
    }
    const start = event('contentBlockStart', { contentBlockIndex: callIndex, start: { toolUse: { toolUseId: toolUseId(call), name: call.name } } });
    const pieces = call.argumentChunks.map((chunk) => event('contentBlockDelta', { contentBlockIndex: callIndex, delta: { toolUse: { input: chunk } } }));
    const stop = event('contentBlockStop', { contentBlockIndex: callIndex });
    frames.push(Buffer.concat([start, ...pieces.slice(0, 1)]), ...pieces.slice(1), stop);
    index += 1;
  }
  return { frames, openTextBlock };
}

function headers(requestId: string, contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'x-amzn-requestid': requestId };
}

/** `ThrottlingException` → `throttlingException`: the event stream names exceptions as members of the output union. */
function exceptionMember(errorType: string): string {
  return errorType.charAt(0).toLowerCase() + errorType.slice(1);
}

/** Content blocks are keyed by kind (`{ image: … }`); a user turn without text (tool results only) leaves the last user text as it was. */
const BEDROCK_TURNS: TurnShape = {
  parts: 'content',
  isUser: (turn, text) => turn['role'] === 'user' && text !== '',
  images: (parts) => blocksOf(parts, 'image'),
  files: (parts) => blocksOf(parts, 'document'),
};

export const bedrockProtocol: WireProtocol = {
  provider: 'bedrock',

  readRequest(body, urlModel, urlStream) {
    if (!isRecord(body)) return 'the request body must be a JSON object';
    if (urlModel === null || urlModel === '') return 'The provided model identifier is invalid.';
    const messages = body['messages'];
    if (!Array.isArray(messages) || messages.length === 0) return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    const systemText = textOfContent(body['system']);
    const turns = readTurns(messages, BEDROCK_TURNS, systemText);
    const toolConfig = body['toolConfig'];
    const tools =
      isRecord(toolConfig) && Array.isArray(toolConfig['tools'])
        ? toolConfig['tools'].flatMap((tool) => (isRecord(tool) && isRecord(tool['toolSpec']) && typeof tool['toolSpec']['name'] === 'string' ? [tool['toolSpec']['name']] : []))
        : [];
    const last = messages[messages.length - 1];
    const inference = body['inferenceConfig'];
    const maxTokens = isRecord(inference) && typeof inference['maxTokens'] === 'number' ? inference['maxTokens'] : null;
    const outputConfig = body['outputConfig'];
    const textFormat = isRecord(outputConfig) && isRecord(outputConfig['textFormat']) ? outputConfig['textFormat'] : null;
    const structure = textFormat !== null && isRecord(textFormat['structure']) ? textFormat['structure'] : null;
    const jsonSchema = structure !== null && isRecord(structure['jsonSchema']) ? structure['jsonSchema'] : null;
    let schema: unknown = null;
    if (jsonSchema !== null && typeof jsonSchema['schema'] === 'string') {
      try {
        schema = JSON.parse(jsonSchema['schema']) as unknown;
      } catch {
        return 'The provided JSON schema is not valid JSON.';
      }
    }
    return {
      model: urlModel,
      stream: urlStream,
      ...turns,
      maxTokens,
      includeUsage: true,
      tools,
      lastIsToolResult: isRecord(last) && last['role'] === 'user' && blocksOf(last['content'], 'toolResult') > 0,
      jsonSchema: schema,
      wantsJson: textFormat !== null || systemText.includes('JSON'),
    };
  },

  newId: (sequence) => `bedrock-${sequence}`,

  jsonHeaders: (requestId) => headers(requestId, 'application/json'),

  streamHeaders: (requestId) => headers(requestId, 'application/vnd.amazon.eventstream'),

  jsonBody(plan) {
    const stopReason = stopReasonOf(plan);
    return JSON.stringify({
      output: { message: { role: 'assistant', content: contentBlocks(plan) } },
      ...(stopReason === null ? {} : { stopReason }),
      usage: usageOf(plan),
      metrics: { latencyMs: 0 },
    });
  },

  streamFrames(plan): StreamFrames {
    const { frames, openTextBlock } = contentFrames(plan);
    const stopReason = stopReasonOf(plan);
    const tail: Buffer[] = [];
    if (openTextBlock !== null) tail.push(event('contentBlockStop', { contentBlockIndex: openTextBlock }));
    if (stopReason !== null) {
      tail.push(event('messageStop', { stopReason }));
      tail.push(event('metadata', { usage: usageOf(plan), metrics: { latencyMs: 0 } }));
    }
    return { head: event('messageStart', { role: 'assistant' }), content: frames, tail: Buffer.concat(tail) };
  },

  malformedJson: () => '{"output":{"message":{"role":"assistant","content":[{"text":"',

  malformedStream: () => {
    // A frame whose checksum does not match its bytes: the SDK refuses it.
    const frame = Buffer.from(event('messageStart', { role: 'assistant' }));
    frame[frame.length - 1] = (frame[frame.length - 1]! + 1) % 256;
    return frame;
  },

  streamErrorFrame: (body, errorHeaders) => exceptionMessage(exceptionMember(bedrockErrorType(errorHeaders) ?? 'InternalServerException'), body),
};

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/bedrock\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}$/;

/**
 * What is wrong with a request's credentials, as Bedrock answers it (403 and
 * the error's name), or null when it carries a SigV4 signature for the
 * `bedrock` service (with its `x-amz-date`) or a Bedrock API key as a bearer
 * token. The signature itself is not checked: the simulator knows no secret.
 */
export function bedrockAuthProblem(requestHeaders: Readonly<Record<string, string | string[] | undefined>>): { readonly errorType: string; readonly message: string } | null {
  const authorization = requestHeaders['authorization'];
  if (typeof authorization !== 'string' || authorization === '') return { errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  if (/^Bearer \S+$/.test(authorization)) return null;
  const match = SIGV4.exec(authorization);
  if (match === null) {
    return { errorType: 'IncompleteSignatureException', message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' for the bedrock service.` };
  }
  const signed = (match[1] ?? '').split(';');
  if (typeof requestHeaders['x-amz-date'] !== 'string' || !signed.includes('host') || !signed.includes('x-amz-date')) {
    return { errorType: 'IncompleteSignatureException', message: 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header, signed with the host.' };
  }
  return null;
}
