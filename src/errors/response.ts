/**
 * Classifies a response that succeeded on the wire but was filtered, cut
 * short, refused, empty, or failed an output check (a 200 whose finish reason
 * says it was filtered counts as content_filter). The executor decides
 * whether such an answer counts as a failure (policy `output_checks` and
 * `accept`); this only states the fact.
 */
import type { ProviderType } from '../provider-type.js';
import { filteredCategories } from './azure-content-filter.js';
import { makeFact } from './fact.js';
import type { ErrorFact, ErrorKind } from './kinds.js';

export interface ResponseOutcome {
  /** The provider's own finish / stop reason (`content_filter`, `refusal`, `SAFETY`, `length`, `max_tokens`). */
  readonly finishReasonRaw: string | null | undefined;
  /** Google `promptFeedback.blockReason`, when the prompt itself was blocked. */
  readonly blockReason?: string | null | undefined;
  /** Text produced before the stop, if any (not put into the fact). */
  readonly text?: string | null | undefined;
  /** The provider's refusal message (OpenAI `refusal`): kind `refusal`. */
  readonly refusal?: string | null | undefined;
  /** The answer has no text and no tool calls (or the 200's body was empty or not JSON): kind `empty_response`. */
  readonly empty?: boolean | undefined;
  /** What is wrong with the answer's JSON or a tool call's arguments: kind `invalid_output`. */
  readonly invalidOutput?: string | null | undefined;
  /** Azure OpenAI's `content_filter_results` of the filtered choice: the message names the categories, `raw` keeps them. */
  readonly contentFilterResults?: unknown;
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
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
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
 * classifyResponse('openai', { finishReasonRaw: 'stop', refusal: "I can't help with that." })?.kind // 'refusal'
 * classifyResponse('openai', { finishReasonRaw: 'stop', empty: true })?.kind // 'empty_response'
 */
export function classifyResponse(providerType: ProviderType | string, outcome: ResponseOutcome): ErrorFact | null {
  try {
    if (typeof outcome.refusal === 'string' && outcome.refusal !== '') {
      return makeFact('refusal', { code: 'refusal', message: `The model refused: ${outcome.refusal.slice(0, 200)}`, provider: providerType, raw: { refusal: outcome.refusal } });
    }
    if (typeof outcome.invalidOutput === 'string' && outcome.invalidOutput !== '') {
      return makeFact('invalid_output', { code: 'invalid_output', message: `The answer failed its output check: ${outcome.invalidOutput}`, provider: providerType });
    }
    if (outcome.empty === true) {
      const reason = typeof outcome.finishReasonRaw === 'string' ? ` (finish reason: ${outcome.finishReasonRaw})` : '';
      return makeFact('empty_response', { code: 'empty_response', message: `The answer has no text and no tool calls${reason}.`, provider: providerType });
    }
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
    const categories = kind === 'content_filter' ? filteredCategories(outcome.contentFilterResults) : null;
    const message =
      kind === 'token_limit'
        ? `The output was cut short by the token limit (finish reason: ${reason}).`
        : `The response was filtered (finish reason: ${reason}${categories === null ? '' : `; filtered: ${categories}`}).`;
    const raw = categories === null ? { finishReason: reason } : { finishReason: reason, content_filter_results: outcome.contentFilterResults };
    return makeFact(kind, { code: reason, message, provider: providerType, raw });
  } catch {
    return null;
  }
}
