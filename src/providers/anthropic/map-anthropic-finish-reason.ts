import type { FinishReason } from '../spec.js';

/**
 * Anthropic's `stop_reason` as detour's `{ unified, raw }`.
 *
 * @example
 * mapAnthropicFinishReason('end_turn') // → { unified: 'stop', raw: 'end_turn' }
 */
export function mapAnthropicFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return { unified: 'stop', raw };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { unified: 'length', raw };
    case 'refusal':
      return { unified: 'content_filter', raw };
    case 'tool_use':
      return { unified: 'tool_calls', raw };
    case null:
    case undefined:
      return { unified: 'other', raw: null };
    default:
      return { unified: 'other', raw };
  }
}
