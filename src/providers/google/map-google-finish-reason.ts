import type { FinishReason } from '../spec.js';

/**
 * Google's `finishReason` (or a prompt's `blockReason`) as detour's `{ unified, raw }`.
 *
 * @example
 * mapGoogleFinishReason('MAX_TOKENS') // → { unified: 'length', raw: 'MAX_TOKENS' }
 */
export function mapGoogleFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'STOP':
      return { unified: 'stop', raw };
    case 'MAX_TOKENS':
      return { unified: 'length', raw };
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return { unified: 'content_filter', raw };
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
    case 'TOO_MANY_TOOL_CALLS':
      return { unified: 'error', raw };
    case null:
    case undefined:
      return { unified: 'other', raw: null };
    default:
      return { unified: 'other', raw };
  }
}
