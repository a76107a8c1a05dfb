/**
 * Azure OpenAI's content filter results (`content_filter_result(s)`: per
 * category `{ filtered, severity }` or `{ filtered, detected }`), read into
 * the categories that filtered, for error messages.
 */
import { isRecord } from './shape.js';

/**
 * The categories Azure's content filter blocked, with their severity, or null when none did.
 *
 * @example
 * filteredCategories({ hate: { filtered: true, severity: 'high' }, jailbreak: { filtered: true, detected: true }, sexual: { filtered: false, severity: 'safe' } })
 * // → 'hate (high), jailbreak'
 */
export function filteredCategories(results: unknown): string | null {
  if (!isRecord(results)) return null;
  const blocked: string[] = [];
  for (const [category, verdict] of Object.entries(results)) {
    if (!isRecord(verdict) || verdict['filtered'] !== true) continue;
    const severity = verdict['severity'];
    blocked.push(typeof severity === 'string' && severity !== '' ? `${category} (${severity})` : category);
  }
  return blocked.length === 0 ? null : blocked.join(', ');
}
