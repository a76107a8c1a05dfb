/**
 * The checks `detour explain --facts` runs on what the user typed, before
 * explaining anything: a misspelt fact name or a value of the wrong type
 * would otherwise be ignored or compared as-is, and explain would answer a
 * question nobody asked (`error.kid` leaves `error.kind` at `unknown`;
 * `"error.status": "abc"` never equals 429). The value checks are the
 * loader's own (policy/factValues.ts), so `detour validate` refuses the same
 * values in a policy test's `given`.
 */
import { factValueProblem, sessionGivenProblem } from '../policy/factValues.js';
import { didYouMean } from '../policy/suggest.js';
import type { Policy } from '../policy/types.js';
import { KNOWN_FACTS, isKnownFact } from '../policy/vocabulary.js';

/**
 * The first problem with the given (flattened) facts, as one line, or null.
 * Names must be facts (docs/facts.md) or `request.metadata.<key>` (or
 * `random_seed`, `state.cooling_down`), values of the
 * fact's type, and models (`attempt.model`, `session.tried`) catalog keys of
 * the policy.
 *
 * @example
 * checkGivenFacts({ 'error.kid': 'timeout' }, policy);
 * // 'unknown fact `error.kid`. Did you mean `error.kind`? …'
 */
export function checkGivenFacts(facts: Readonly<Record<string, unknown>>, policy: Policy | null): string | null {
  for (const [name, value] of Object.entries(facts)) {
    const sessionProblem = sessionGivenProblem(name, value);
    if (sessionProblem !== undefined) {
      if (sessionProblem !== null) return sessionProblem;
      continue;
    }
    if (!isKnownFact(name)) {
      if (name.startsWith('request.metadata.')) continue; // nested metadata keys the normaliser expanded
      return `unknown fact \`${name}\`.${didYouMean(name, KNOWN_FACTS)} (detour explain --help lists the facts)`;
    }
    const problem = factValueProblem(name, value);
    if (problem !== null) return problem;
  }
  if (policy === null) return null;
  const catalog = Object.keys(policy.models);
  const named: [string, unknown][] = [['attempt.model', facts['attempt.model']]];
  for (const list of ['session.tried', 'state.cooling_down']) if (Array.isArray(facts[list])) for (const model of facts[list]) named.push([list, model]);
  const cooling = facts['state.cooling_down'];
  if (cooling !== null && typeof cooling === 'object' && !Array.isArray(cooling)) for (const model of Object.keys(cooling)) named.push(['state.cooling_down', model]);
  for (const [name, model] of named) {
    if (typeof model === 'string' && policy.models[model] === undefined) {
      return `\`${name}\`: no model \`${model}\` in policy ${policy.name}.${didYouMean(model, catalog)} Models: ${catalog.join(', ')}`;
    }
  }
  return null;
}
