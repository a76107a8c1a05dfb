import type { FinishReason } from '../spec.js';

/**
 * Converse's `stopReason` as detour's finish reason; anything unknown is `other`.
 *
 * @example
 * mapBedrockFinishReason('guardrail_intervened') // { unified: 'content_filter', raw: 'guardrail_intervened' }
 */
export function mapBedrockFinishReason(stopReason: string | null | undefined): FinishReason {
  const raw = stopReason ?? null;
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return { unified: 'stop', raw };
    case 'tool_use':
      return { unified: 'tool_calls', raw };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { unified: 'length', raw };
    case 'content_filtered':
    case 'guardrail_intervened':
      return { unified: 'content_filter', raw };
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return { unified: 'error', raw };
    default:
      return { unified: 'other', raw };
  }
}
