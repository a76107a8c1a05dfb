/**
 * JSON Schema validation of a policy (schemas/policy.schema.json) and the
 * translation of ajv's errors into diagnostics that point at the offending
 * key or value and say what to change.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { requireOnFirstUse } from '../load-on-use.js';
import { didYouMean, nearest } from './suggest.js';
import { ERROR_NAMES } from './vocabulary.js';
import { MAX_DIAGNOSTICS_PER_FILE, pointerSegments, type DiagnosticInput } from './diagnostics.js';
import type { PolicySource } from './source.js';

// The validator is compiled on first use; ajv is loaded then, not with detour.
const ajv2020 = requireOnFirstUse<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js');
const ajvFormats = requireOnFirstUse<typeof import('ajv-formats')>('ajv-formats');

/** Where the schema lives, from `src/policy` (tests) and from `dist/src/policy` (the build). */
const schemaCandidates = ['../../schemas/policy.schema.json', '../../../schemas/policy.schema.json'];

let cachedSchema: Record<string, unknown> | undefined;
let cachedValidator: ValidateFunction | undefined;

/**
 * The policy JSON Schema (draft 2020-12), read once.
 *
 * @example
 * policySchema().$id // 'https://detour.dev/schemas/policy.schema.json'
 */
export function policySchema(): Record<string, unknown> {
  if (cachedSchema) return cachedSchema;
  let lastError: unknown;
  for (const candidate of schemaCandidates) {
    try {
      cachedSchema = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as Record<string, unknown>;
      return cachedSchema;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error('detour: cannot find schemas/policy.schema.json next to the package', { cause: lastError });
}

/** The compiled validator; compiling costs tens of milliseconds, so it happens once, on first use. */
function validator(): ValidateFunction {
  if (cachedValidator) return cachedValidator;
  const ajv = new (ajv2020().Ajv2020)({ allErrors: true, strict: true, verbose: true, allowUnionTypes: true });
  ajvFormats().default(ajv, ['uri']);
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  cachedValidator = ajv.compile(policySchema());
  return cachedValidator;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (ArrayBuffer.isView(value)) return 'binary data';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

const typeNames: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function label(segments: readonly string[]): string {
  if (segments.length === 0) return 'the policy';
  const last = segments[segments.length - 1] ?? '';
  if (/^\d+$/.test(last)) {
    const parent = segments[segments.length - 2];
    return parent === undefined ? `item ${Number(last) + 1}` : `\`${parent}\` item ${Number(last) + 1}`;
  }
  return `\`${last}\``;
}

function listValues(values: readonly unknown[]): string {
  const shown = values.slice(0, 8).map((value) => `\`${String(value)}\``);
  return values.length > 8 ? `${shown.join(', ')}, … (${values.length - 8} more)` : shown.join(', ');
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function translate(
  error: ErrorObject,
  source: PolicySource,
  root: unknown,
  suggestedKeys: ReadonlySet<string>,
  hints: boolean,
): DiagnosticInput | undefined {
  const segments = pointerSegments(error.instancePath);
  const pointer = error.instancePath;
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const customMessage = typeof parentSchema.errorMessage === 'string' ? parentSchema.errorMessage : undefined;
  const params = error.params as Record<string, unknown>;
  const at = (message: string, target: 'key' | 'value' = 'value', where = pointer): DiagnosticInput => ({
    pointer: where,
    check: 'schema',
    message,
    position: source.locate(where, target),
  });

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parentSchema.properties ?? {}) as object);
      const hint = !hints ? '' : didYouMean(key, known) || (known.length > 0 ? ` Known keys here: ${listValues(known)}.` : '');
      return at(`unknown key \`${key}\` in ${label(segments)}.${hint}`, 'key', `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      const where = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      return at(`\`${key}\` is not an error kind or type (like \`rate_limit\` or \`RateLimitError\`).${hints ? didYouMean(key, ERROR_NAMES) : ''}`, 'key', where);
    }
    case 'required': {
      const missing = String(params.missingProperty);
      // A misspelt key already reported with this very suggestion: one message is enough.
      if (suggestedKeys.has(`${pointer}\u0000${missing}`)) return undefined;
      return at(`${label(segments)} is missing \`${missing}\`: add it`, segments.length === 0 ? 'value' : 'key');
    }
    case 'if':
      return undefined;
    default:
      break;
  }

  const data = error.data;
  // ajv reports the schema of a property name against the whole mapping; those are covered by `propertyNames`.
  if (typeof data === 'string' && typeof valueAt(root, segments) === 'object') return undefined;
  if (customMessage) return at(`${label(segments)} must be ${customMessage}; got ${describe(data)}`);

  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      const wanted = types.map((type) => typeNames[type] ?? type).join(' or ');
      return at(`${label(segments)} must be ${wanted}; got ${describe(data)}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues ?? []) as unknown[];
      const hint = hints && typeof data === 'string' ? didYouMean(data, allowed.map(String)) : '';
      return at(`${label(segments)} must be one of ${listValues(allowed)}; got ${describe(data)}.${hint}`);
    }
    case 'const':
      return at(`${label(segments)} must be \`${String(params.allowedValue)}\`; got ${describe(data)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const comparison = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' }[error.keyword];
      return at(`${label(segments)} must be ${comparison} ${String(params.limit)}; got ${describe(data)}`);
    }
    case 'minItems':
      return at(`${label(segments)} needs at least ${String(params.limit)} item(s)`);
    case 'minProperties':
      return at(`${label(segments)} must not be empty`);
    case 'minLength':
      return at(`${label(segments)} must not be empty`);
    case 'maxLength':
      return at(`${label(segments)} must be at most ${String(params.limit)} characters`);
    case 'format':
      return at(`${label(segments)} must be a ${String(params.format).toUpperCase()}; got ${describe(data)}`);
    case 'pattern':
      return at(`${label(segments)} has the wrong form (${String(params.pattern)}); got ${describe(data)}`);
    default:
      return at(`${label(segments)} ${error.message ?? 'is not valid'}`);
  }
}

/**
 * Validate plain policy data against the schema; one diagnostic per problem,
 * pointing at the offending key (unknown or misspelt keys) or value. Only
 * the first problems (those a capped report shows) get a "did you mean".
 *
 * @example
 * schemaDiagnostics({ name: 'x' }, source) // [{ check: 'schema', message: 'the policy is missing `models`: add it', … }]
 */
export function schemaDiagnostics(value: unknown, source: PolicySource): DiagnosticInput[] {
  const validate = validator();
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const suggestedKeys = new Set<string>();
  for (const error of errors.slice(0, MAX_DIAGNOSTICS_PER_FILE * 2)) {
    if (error.keyword !== 'additionalProperties') continue;
    const known = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {});
    const suggestion = nearest(String((error.params as Record<string, unknown>).additionalProperty), known);
    if (suggestion !== undefined) suggestedKeys.add(`${error.instancePath}\u0000${suggestion}`);
  }
  const seen = new Set<string>();
  const results: DiagnosticInput[] = [];
  for (const error of errors) {
    // Only the first problems of a file are shown, so only they are worth a search for what was meant.
    const diagnostic = translate(error, source, value, suggestedKeys, results.length < MAX_DIAGNOSTICS_PER_FILE * 2);
    if (!diagnostic) continue;
    const identity = `${diagnostic.pointer}\u0000${diagnostic.message}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    results.push(diagnostic);
  }
  return results;
}

/** Compile the validator now (the first validation would otherwise pay for it). */
export function warmUpSchema(): void {
  validator();
}
