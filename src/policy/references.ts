/**
 * Reference checks: every model named anywhere exists in `models` or
 * `groups`, groups do not contain themselves, and every model's provider is
 * known or declared.
 */
import { PROVIDER_TYPES, type ProviderType } from '../providers/spec.js';
import { inferProviderType } from './defaults.js';
import { didYouMean } from './suggest.js';
import { escapePointerSegment } from './diagnostics.js';
import type { CheckReporter } from './report.js';
import type { RawPolicy, RawProviderConfig } from './raw.js';

function isProviderType(name: string): name is ProviderType {
  return (PROVIDER_TYPES as readonly string[]).includes(name);
}

/** Model and group names, and a reporter for names that are neither. */
export interface ModelNames {
  readonly all: ReadonlySet<string>;
  /** Report `name` at `pointer` unless it is a model or group. */
  require(name: string, pointer: string, target?: 'key' | 'value'): void;
}

/** The names chains may use, with a checker that reports unknown ones. */
export function modelNames(raw: RawPolicy, reporter: CheckReporter): ModelNames {
  const all = new Set([...Object.keys(raw.models), ...Object.keys(raw.groups ?? {})]);
  return {
    all,
    require(name, pointer, target = 'value') {
      if (all.has(name)) return;
      reporter.report({
        pointer,
        check: 'reference',
        target,
        message: `unknown model \`${name}\`: add it under \`models\` (or \`groups\`), or use one that is there.${didYouMean(name, all)}`,
      });
    },
  };
}

function checkProviders(raw: RawPolicy, reporter: CheckReporter): void {
  const declared = raw.provider_config ?? {};
  for (const [name, config] of Object.entries(declared)) {
    const pointer = `/provider_config/${escapePointerSegment(name)}`;
    if (!isProviderType(name) && config.type === undefined) {
      reporter.report({
        pointer,
        target: 'key',
        check: 'reference',
        message: `provider \`${name}\` is not a known type (${PROVIDER_TYPES.join(', ')}): add \`type:\` to say which API it speaks.${didYouMean(name, PROVIDER_TYPES)}`,
      });
    }
    const type = config.type ?? name;
    if (type === 'openai_compatible' && config.base_url === undefined) {
      reporter.report({
        pointer,
        target: 'key',
        check: 'reference',
        message: `provider \`${name}\` is openai_compatible and needs \`base_url\` (e.g. http://127.0.0.1:11434/v1)`,
      });
    }
  }
  for (const [name, config] of Object.entries(declared)) checkCloudSettings(name, config, reporter);
  const providerNames = new Set([...PROVIDER_TYPES, ...Object.keys(declared)]);
  for (const [name, model] of Object.entries(raw.models)) {
    const pointer = `/models/${escapePointerSegment(name)}`;
    if (model.provider === undefined) {
      if (inferProviderType(model.model ?? name) === undefined) {
        reporter.report({
          pointer,
          target: 'key',
          check: 'reference',
          message: `model \`${name}\` has no \`provider\` and its name does not imply one: add \`provider:\` (${PROVIDER_TYPES.join(', ')} or a provider_config key)`,
        });
      }
    } else if (model.provider === 'ai_sdk' || declared[model.provider]?.type === 'ai_sdk') {
      const registered = model.model ?? name;
      reporter.report({
        pointer: `${pointer}/provider`,
        severity: 'warning',
        check: 'reference',
        message: `model \`${name}\` is the AI SDK model the service registers as \`${registered}\` (createExecutor({ models: { '${registered}': languageModel } }), or a module given to \`detour serve --models\`): validate cannot see it; if that name is not registered at run time, calls to \`${name}\` fail with model_not_found (code unregistered_model)`,
      });
    } else if (!providerNames.has(model.provider)) {
      reporter.report({
        pointer: `${pointer}/provider`,
        check: 'reference',
        message: `unknown provider \`${model.provider}\`: use ${PROVIDER_TYPES.join(', ')}, or declare it under \`provider_config\` with a \`type\`.${didYouMean(model.provider, providerNames)}`,
      });
    }
  }
}

/** The `provider_config` keys only one provider type reads. */
const TYPE_SETTINGS: readonly (readonly [key: keyof RawProviderConfig, type: ProviderType])[] = [
  ['endpoint', 'azure_openai'],
  ['resource', 'azure_openai'],
  ['api_version', 'azure_openai'],
  ['auth', 'azure_openai'],
  ['project', 'vertex'],
  ['location', 'vertex'],
];

function checkCloudSettings(name: string, config: RawProviderConfig, reporter: CheckReporter): void {
  const pointer = `/provider_config/${escapePointerSegment(name)}`;
  const type = config.type ?? name;
  for (const [key, owner] of TYPE_SETTINGS) {
    if (config[key] === undefined || type === owner) continue;
    reporter.report({
      pointer: `${pointer}/${key}`,
      target: 'key',
      check: 'reference',
      message: `\`${key}\` is a setting of ${owner} providers; provider \`${name}\` is ${isProviderType(type) ? type : `of type ${type}`}: remove it, or set \`type: ${owner}\``,
    });
  }
  if (type === 'azure_openai' && config.endpoint !== undefined && config.resource !== undefined) {
    reporter.report({
      pointer: `${pointer}/resource`,
      target: 'key',
      check: 'reference',
      message: `provider \`${name}\` sets both \`endpoint\` and \`resource\`, which say the same thing: keep one`,
    });
  }
}

function checkGroups(raw: RawPolicy, names: ModelNames, reporter: CheckReporter): void {
  const groups = raw.groups ?? {};
  for (const [name, group] of Object.entries(groups)) {
    const pointer = `/groups/${escapePointerSegment(name)}`;
    if (Object.hasOwn(raw.models, name)) {
      reporter.report({
        pointer,
        target: 'key',
        check: 'duplicate',
        message: `\`${name}\` is both a model and a group: rename one so chains are unambiguous`,
      });
    }
    group.members.forEach((member, index) => names.require(member, `${pointer}/members/${index}`));
    for (const member of Object.keys(group.weights ?? {})) {
      if (!group.members.includes(member)) {
        reporter.report({
          pointer: `${pointer}/weights/${escapePointerSegment(member)}`,
          target: 'key',
          check: 'reference',
          message: `weight for \`${member}\`, which is not a member of group \`${name}\`: add it to \`members\` or remove the weight.${didYouMean(member, group.members)}`,
        });
      }
    }
  }
  // Depth-first search for a group reachable from itself; report the member that closes the loop once per cycle.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: readonly string[]): void => {
    state.set(name, 'visiting');
    const group = groups[name];
    group?.members.forEach((member, index) => {
      if (!Object.hasOwn(groups, member)) return;
      if (state.get(member) === 'visiting') {
        const loop = [...trail.slice(trail.indexOf(member)), name, member];
        reporter.report({
          pointer: `/groups/${escapePointerSegment(name)}/members/${index}`,
          check: 'reference',
          message: `group \`${member}\` contains itself (${loop.join(' → ')}): remove \`${member}\` from \`${name}\``,
        });
      } else if (!state.has(member)) {
        visit(member, [...trail, name]);
      }
    });
    state.set(name, 'done');
  };
  for (const name of Object.keys(groups)) if (!state.has(name)) visit(name, []);
}

/** Check providers, groups, and every model named in chains, mappings, weights, routes and rules. */
export function checkReferences(raw: RawPolicy, names: ModelNames, reporter: CheckReporter): void {
  checkProviders(raw, reporter);
  checkGroups(raw, names, reporter);
  names.require(raw.primary_model, '/primary_model');
  raw.fallback_models?.forEach((model, index) => names.require(model, `/fallback_models/${index}`));
  for (const [kind, models] of Object.entries(raw.error_mappings ?? {})) {
    models.forEach((model, index) => names.require(model, `/error_mappings/${escapePointerSegment(kind)}/${index}`));
  }
  for (const model of Object.keys(raw.weights ?? {})) names.require(model, `/weights/${escapePointerSegment(model)}`, 'key');
  raw.routes?.forEach((route, index) => {
    const pointer = `/routes/${index}/then`;
    if (route.then.primary_model !== undefined) names.require(route.then.primary_model, `${pointer}/primary_model`);
    route.then.fallback_models?.forEach((model, position) => names.require(model, `${pointer}/fallback_models/${position}`));
  });
  raw.rules?.forEach((rule, index) => {
    rule.then.fallback?.forEach((model, position) => names.require(model, `/rules/${index}/then/fallback/${position}`));
  });
}
