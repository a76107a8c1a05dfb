/**
 * Classifies a response that succeeded on the wire but was filtered or cut
 * short (DESIGN §4: "a 200 response whose finish reason says it was filtered
 * counts as content_filter"). The executor decides whether a truncated answer
 * counts as a failure; this only states the fact.
 */
import type { ProviderType } from '../providers/spec.js';
import { makeFact } from './fact.js';
import type { ErrorFact, ErrorKind } from './kinds.js';

export interface ResponseOutcome {
  /** The provider's own finish / stop reason (`content_filter`, `refusal`, `SAFETY`, `length`, `max_tokens`). */
  readonly finishReasonRaw: string | null | undefined;
  /** Google `promptFeedback.blockReason`, when the prompt itself was blocked. */
  readonly blockReason?: string | null | undefined;
  /** Text produced before the stop, if any (not put into the fact). */
  readonly text?: string | null | undefined;
}

const FILTER_REASONS: Readonly<Record<string, ErrorKind>> = {
  content_filter: 'content_filter',
  refusal: 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
  blocklist: 'content_filter',
  prohibited_content: 'content_filter',
  spii: 'content_filter',
  image_safety: 'content_filter',
  length: 'token_limit',
  max_tokens: 'token_limit',
  model_context_window_exceeded: 'token_limit',
};

/**
 * The fact for a filtered or truncated 200 response, or null for a normal stop.
 *
 * @example
 * classifyResponse('openai', { finishReasonRaw: 'content_filter' })?.kind // 'content_filter'
 * classifyResponse('google', { finishReasonRaw: null, blockReason: 'SAFETY' })?.code // 'SAFETY'
 * classifyResponse('anthropic', { finishReasonRaw: 'end_turn' }) // null
 */
export function classifyResponse(providerType: ProviderType | string, outcome: ResponseOutcome): ErrorFact | null {
  try {
    const blockReason = typeof outcome.blockReason === 'string' ? outcome.blockReason : null;
    if (blockReason !== null && blockReason !== '' && blockReason !== 'BLOCK_REASON_UNSPECIFIED') {
      return makeFact('content_filter', {
        code: blockReason,
        message: `The prompt was blocked (blockReason: ${blockReason}).`,
        provider: providerType,
        raw: { blockReason },
      });
    }
    const reason = typeof outcome.finishReasonRaw === 'string' ? outcome.finishReasonRaw : null;
    if (reason === null) return null;
    const kind = FILTER_REASONS[reason.toLowerCase()];
    if (kind === undefined) return null;
    const message =
      kind === 'token_limit'
        ? `The output was cut short by the token limit (finish reason: ${reason}).`
        : `The response was filtered (finish reason: ${reason}).`;
    return makeFact(kind, { code: reason, message, provider: providerType, raw: { finishReason: reason } });
  } catch {
    return null;
  }
}
