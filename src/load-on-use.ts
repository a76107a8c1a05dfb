/**
 * Dependencies that only some features use are loaded when a feature first
 * needs them, not when detour is imported: a serverless cold start pays for
 * every module an `import` pulls in. CommonJS packages load synchronously
 * this way, so the functions that use them stay synchronous.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A getter that `require`s `specifier` on its first call and returns the
 * same module on every later one.
 *
 * @example
 * const jsonRulesEngine = requireOnFirstUse<typeof import('json-rules-engine')>('json-rules-engine');
 * const engine = new (jsonRulesEngine().Engine)([]);
 */
export function requireOnFirstUse<Module>(specifier: string): () => Module {
  let loaded: Module | undefined;
  return () => (loaded ??= require(specifier) as Module);
}
