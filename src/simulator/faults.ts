/**
 * Choosing what one request gets: which scenario entry a model id falls
 * under, and which of its faults (if any) applies to this request.
 */
import { hashString, seededRandom, type Random } from './random.js';
import { HEALTHY_BEHAVIOUR, type FaultRule, type ModelBehaviour, type Scenario } from './scenarioTypes.js';

/** Per model id: its behaviour, its request sequence, and its own random streams. */
export interface ModelState {
  readonly behaviour: ModelBehaviour;
  requestNumber: number;
  readonly faultRandom: Random;
  readonly latencyRandom: Random;
}

/**
 * The behaviour for a model id: an exact key first, then the longest matching
 * `*` pattern (`claude-*` before `*`), then healthy with no latency.
 *
 * @example
 * behaviourFor(scenario, 'claude-3-5-haiku-latest') // `claude-*` entry, else `*`
 */
export function behaviourFor(scenario: Scenario, model: string): ModelBehaviour {
  const exact = scenario.models.get(model);
  if (exact !== undefined) return exact;
  let best: ModelBehaviour | undefined;
  let bestLength = -1;
  for (const [pattern, behaviour] of scenario.models) {
    if (!pattern.includes('*') || pattern.length <= bestLength) continue;
    if (globMatches(pattern, model)) {
      best = behaviour;
      bestLength = pattern.length;
    }
  }
  return best ?? HEALTHY_BEHAVIOUR;
}

function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let position = first.length;
  for (let index = 1; index < parts.length - 1; index += 1) {
    const part = parts[index] ?? '';
    const found = text.indexOf(part, position);
    if (found < 0 || found + part.length > text.length - last.length) return false;
    position = found + part.length;
  }
  return true;
}

export function newModelState(scenario: Scenario, model: string, seed: number): ModelState {
  return {
    behaviour: behaviourFor(scenario, model),
    requestNumber: 0,
    faultRandom: seededRandom(seed ^ hashString(`faults:${model}`)),
    latencyRandom: seededRandom(seed ^ hashString(`latency:${model}`)),
  };
}

/**
 * The first fault whose `when` holds for this request, or undefined (success).
 * A probability is drawn only when the rule's other conditions hold, so the
 * draws follow the model's requests in order.
 */
export function chooseFault(state: ModelState, elapsedMs: number): FaultRule | undefined {
  const requestNumber = state.requestNumber;
  for (const fault of state.behaviour.faults) {
    const when = fault.when;
    if (when.first !== undefined && requestNumber > when.first) continue;
    if (when.every !== undefined && requestNumber % when.every !== 0) continue;
    if (when.fromMs !== undefined && elapsedMs < when.fromMs) continue;
    if (when.toMs !== undefined && elapsedMs >= when.toMs) continue;
    if (when.probability !== undefined && !(state.faultRandom() < when.probability)) continue;
    return fault;
  }
  return undefined;
}
