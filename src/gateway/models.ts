/**
 * The `model` field of a gateway request names a policy, or `policy/model`
 * for one of the policy's catalog models or groups to start with.
 */
import type { PolicySet } from '../policy/types.js';
import { GatewayProblem } from './GatewayProblem.js';

export interface ResolvedModel {
  readonly policy: string;
  /** The catalog model or group to start with; undefined for the policy's own plan. */
  readonly model: string | undefined;
}

function unknownModel(name: string, set: PolicySet): GatewayProblem {
  const known = [...set.policies.keys()].join(', ') || '(none)';
  return new GatewayProblem(404, 'not_found_error', `model ${JSON.stringify(name)} names no policy of this gateway; known policies: ${known} (GET /v1/models lists them with their models)`, 'model_not_found');
}

/**
 * @example
 * resolveModel(set, 'default')            // { policy: 'default', model: undefined }
 * resolveModel(set, 'default/claude-haiku') // { policy: 'default', model: 'claude-haiku' }
 */
export function resolveModel(set: PolicySet, name: string): ResolvedModel {
  if (set.get(name) !== undefined) return { policy: name, model: undefined };
  const slash = name.indexOf('/');
  if (slash > 0) {
    const policy = set.get(name.slice(0, slash));
    const model = name.slice(slash + 1);
    if (policy !== undefined && (policy.models[model] !== undefined || policy.groups[model] !== undefined)) return { policy: policy.name, model };
  }
  throw unknownModel(name, set);
}

/** Every name `model` may take: each policy (of `allowed`, when given), then `policy/model` for its catalog models and groups. */
export function modelNames(set: PolicySet, allowed: ReadonlySet<string> | null = null): string[] {
  const names: string[] = [];
  for (const policy of set.policies.values()) {
    if (allowed !== null && !allowed.has(policy.name)) continue;
    names.push(policy.name);
    for (const model of Object.keys(policy.models)) names.push(`${policy.name}/${model}`);
    for (const group of Object.keys(policy.groups)) names.push(`${policy.name}/${group}`);
  }
  return names;
}

/** `GET /v1/models` in the OpenAI shape, or Anthropic's when the client sent `anthropic-version`; only the policies the key may use. */
export function modelList(set: PolicySet, anthropic: boolean, allowed: ReadonlySet<string> | null): unknown {
  const names = modelNames(set, allowed);
  if (anthropic) {
    const data = names.map((id) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z' }));
    return { data, has_more: false, first_id: names[0] ?? null, last_id: names.at(-1) ?? null };
  }
  return { object: 'list', data: names.map((id) => ({ id, object: 'model', created: 0, owned_by: 'detour' })) };
}
