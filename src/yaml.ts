/**
 * The `yaml` package, loaded when the first policy or scenario is parsed (or
 * written), not when detour is imported: it is about seventy modules.
 */
import { requireOnFirstUse } from './load-on-use.js';

/**
 * @example
 * const { parseDocument, LineCounter } = yaml();
 */
export const yaml = requireOnFirstUse<typeof import('yaml')>('yaml');
