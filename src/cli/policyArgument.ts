/**
 * `--policy F [--name P]` for `detour run` and `detour demo`: load a policy
 * file or a folder of them and pick one, or fail with one clear line.
 */
import { stat } from 'node:fs/promises';
import { loadPolicies } from '../policy/load.js';
import type { Diagnostic, Policy, PolicySet } from '../policy/types.js';
import { CliError } from './CliError.js';

/** A loaded set and the policy the command will run. */
export interface ChosenPolicy {
  readonly set: PolicySet;
  readonly policy: Policy;
}

function located(diagnostic: Diagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}`;
}

/**
 * Load `source` (a file or a folder) and choose the policy named `name`;
 * without a name, the only policy, else the one called `default`.
 *
 * @throws CliError one line: the first problem with file:line:col, an unknown
 *   policy name (with the known ones), or a folder with several policies and no `--name`.
 *
 * @example
 * const { set, policy } = await choosePolicy('policies', 'demo');
 */
export async function choosePolicy(source: string, name: string | undefined): Promise<ChosenPolicy> {
  try {
    await stat(source);
  } catch {
    throw new CliError(`${source}: no such policy file or folder`);
  }
  const loaded = await loadPolicies(source);
  if (loaded.set === null) {
    const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more: run detour validate ${source})` : '';
    throw new CliError(first === undefined ? `${source}: the policies could not be loaded` : `${located(first)}${more}`);
  }
  const set = loaded.set;
  const names = [...set.policies.keys()];
  if (names.length === 0) throw new CliError(`${source}: no policy files (*.yaml, *.yml) found`);
  if (name !== undefined) {
    const policy = set.get(name);
    if (policy === undefined) throw new CliError(`unknown policy "${name}" in ${source}; known: ${names.join(', ')}`);
    return { set, policy };
  }
  if (names.length === 1) return { set, policy: set.get(names[0]!)! };
  const fallback = set.get('default');
  if (fallback !== undefined) return { set, policy: fallback };
  throw new CliError(`${source} holds ${names.length} policies (${names.join(', ')}): pick one with --name`);
}

/**
 * Every catalog model a session of `policy` may call: the primary and
 * fallbacks, route plans, rule fallbacks and error mappings, with groups
 * expanded to their members. In catalog order.
 *
 * @example
 * reachableModels(policy); // ['gpt-4o', 'claude-haiku', 'gemini-flash']
 */
export function reachableModels(policy: Policy): string[] {
  const named = new Set<string>([policy.primaryModel, ...policy.fallbackModels]);
  for (const route of policy.routes) {
    if (route.then.primaryModel !== null) named.add(route.then.primaryModel);
    for (const model of route.then.fallbackModels ?? []) named.add(model);
  }
  for (const rule of policy.rules) for (const model of rule.then.fallback ?? []) named.add(model);
  for (const models of Object.values(policy.errorMappings)) for (const model of models) named.add(model);
  const expanded = new Set<string>();
  const visit = (name: string, depth: number): void => {
    const group = policy.groups[name];
    if (group !== undefined && depth < 8) {
      for (const member of group.members) visit(member, depth + 1);
      return;
    }
    expanded.add(name);
  };
  for (const name of named) visit(name, 0);
  return Object.keys(policy.models).filter((model) => expanded.has(model));
}
