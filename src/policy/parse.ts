/**
 * Parsing one policy: YAML text → syntax checks → JSON Schema → reference and
 * rule checks → an immutable `Policy`. It never throws on bad input; every
 * problem is a diagnostic with a file, a 1-based line and column, a JSON
 * pointer and the check that found it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { compilePolicy } from './compile.js';
import { MAX_DIAGNOSTICS_PER_FILE, capDiagnostics, createDiagnostic, hasErrors, sortDiagnostics, type DiagnosticInput } from './diagnostics.js';
import { checkReferences, modelNames } from './references.js';
import { createReporter } from './report.js';
import { checkRulesAndTests } from './ruleChecks.js';
import { schemaDiagnostics } from './schema.js';
import { nearest } from './suggest.js';
import { duplicateKeys, parseSource, plainValue, type PolicySource } from './source.js';
import type { RawPolicy } from './raw.js';
import type { Diagnostic, Policy } from './types.js';
import { yaml } from '../yaml.js';

export interface PolicyLoadResult {
  /** Null when any error-severity diagnostic was found. */
  readonly policy: Policy | null;
  /** Errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Largest policy file accepted, checked before parsing. @default 1 MiB */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** Most alias expansions in one file (YAML "billion laughs" protection). @default 100 */
export const MAX_ALIAS_COUNT = 100;

/** Options of {@link parsePolicy}. */
export interface ParsePolicyOptions {
  /** `Policy.file`; defaults to `file` resolved against the working directory. Null: not from a file. */
  readonly sourcePath?: string | null;
}

/** Position 1:1, for problems of the whole file. */
export const FILE_START = { line: 1, column: 1 };
const start = FILE_START;

/** Where each loaded policy's `name` value sits, for set-level diagnostics. */
const namePositions = new WeakMap<Policy, { line: number; column: number }>();

/** Position of a parsed policy's `name` value (1:1 for policies not parsed here). */
export function namePosition(policy: Policy): { line: number; column: number } {
  return namePositions.get(policy) ?? start;
}

/** A result with no policy and these problems. */
export function failed(file: string, inputs: readonly DiagnosticInput[]): PolicyLoadResult {
  return { policy: null, diagnostics: capDiagnostics(sortDiagnostics(inputs.map((input) => createDiagnostic(file, input)))) };
}

/** The diagnostic for a file over {@link MAX_POLICY_BYTES}. */
export function tooLarge(bytes: number): DiagnosticInput {
  return {
    pointer: '',
    check: 'size',
    position: start,
    message: `the file is ${bytes} bytes; policies are limited to ${MAX_POLICY_BYTES} bytes (1 MiB): split it into several policies`,
  };
}

function byteLength(text: string): number {
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit, so short texts need no count.
  if (text.length * 3 <= MAX_POLICY_BYTES) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

function syntaxDiagnostics(source: PolicySource): DiagnosticInput[] {
  const results: DiagnosticInput[] = [];
  for (const error of source.document.errors) {
    results.push({ pointer: '', check: 'syntax', position: source.positionOf(error.pos[0]), message: `YAML syntax: ${error.message}` });
  }
  for (const duplicate of duplicateKeys(source)) {
    results.push({
      pointer: duplicate.pointer,
      check: 'duplicate-key',
      position: source.positionOf(duplicate.offset),
      message: `duplicate key \`${duplicate.key}\` (first on line ${duplicate.first.line}): each key may appear once in a mapping; remove or merge one`,
    });
  }
  for (const warning of source.document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      // Explicit tags (`!!binary`, `!!set`, `!!timestamp`) would put buffers, sets and dates into a
      // policy that must be plain, frozen data; yaml leaves them unresolved and detour refuses them.
      results.push({
        pointer: '',
        check: 'syntax',
        position: source.positionOf(warning.pos[0]),
        message: `YAML: ${warning.message}: a policy holds plain YAML values only; remove the tag`,
      });
      continue;
    }
    results.push({
      severity: 'warning',
      pointer: '',
      check: 'syntax',
      position: source.positionOf(warning.pos[0]),
      message: `YAML: ${warning.message}`,
    });
  }
  return results;
}

/**
 * Top-level keys the checks beyond the schema read. When schema errors are
 * confined to other keys (a mistyped `timeout`, a misspelt `max_attempt`),
 * the checks still run, so one pass reports every problem.
 */
const checkedSections = new Set([
  'name', 'provider_config', 'models', 'groups', 'primary_model', 'fallback_models', 'strategy_type',
  'base_delay', 'max_delay', 'error_mappings', 'conditions', 'weights', 'routes', 'rules', 'tests',
]);

function checksCanRun(schema: readonly DiagnosticInput[], value: object): boolean {
  if (!['name', 'models', 'primary_model'].every((key) => Object.hasOwn(value, key))) return false;
  // A file with this many schema problems already fills its report.
  if (schema.length >= MAX_DIAGNOSTICS_PER_FILE) return false;
  return schema.every((diagnostic) => {
    const section = diagnostic.pointer.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
    // A misspelt section (`rule:` for `rules:`) hides what the checks would read.
    return section !== undefined && !checkedSections.has(section) && nearest(section, checkedSections) === undefined;
  });
}

function protoKeyPointer(value: unknown, pointer: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return `${pointer}/__proto__`;
  for (const [key, child] of Object.entries(value)) {
    const found = protoKeyPointer(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function contentVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Parse YAML text into a Policy. Never throws on bad input.
 *
 * @example
 * const { policy, diagnostics } = parsePolicy(text, 'policies/default.yaml');
 * if (!policy) for (const d of diagnostics) console.error(`${d.file}:${d.line}:${d.column}  ${d.message}`);
 */
export function parsePolicy(text: string, file: string, options: ParsePolicyOptions = {}): PolicyLoadResult {
  const bytes = byteLength(text);
  if (bytes > MAX_POLICY_BYTES) return failed(file, [tooLarge(bytes)]);
  // A UTF-8 byte-order mark (Windows editors) is not content: left in, every column on line 1 is off by one.
  const source = parseSource(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const syntax = syntaxDiagnostics(source);
  if (syntax.some((diagnostic) => diagnostic.severity !== 'warning')) return failed(file, syntax);
  const root = source.document.contents;
  if (root === null) {
    return failed(file, [
      ...syntax,
      { pointer: '', check: 'empty', position: start, message: 'the file is empty: a policy needs at least `name`, `models` and `primary_model`' },
    ]);
  }
  const { isMap, isSeq } = yaml();
  if (!isMap(root)) {
    const got = isSeq(root) ? 'a list' : 'a single value';
    return failed(file, [
      ...syntax,
      {
        pointer: '',
        check: 'schema',
        position: source.locate(''),
        message: `the top of a policy file must be a mapping of keys (name:, models:, primary_model:, …); got ${got}`,
      },
    ]);
  }
  const plain = plainValue(source, MAX_ALIAS_COUNT);
  if ('problem' in plain) return failed(file, [...syntax, { ...plain.problem, check: 'alias' }]);
  const value = plain.value;
  // `__proto__` as a key would set a prototype when the policy is compiled into plain objects.
  if (text.includes('__proto__')) {
    const pointer = protoKeyPointer(value, '');
    if (pointer !== undefined) {
      return failed(file, [
        ...syntax,
        {
          pointer,
          check: 'schema',
          position: source.locate(pointer, 'key'),
          message: '`__proto__` cannot be used as a key or name: rename it',
        },
      ]);
    }
  }
  const schema = schemaDiagnostics(value, source);
  if (schema.length > 0 && !checksCanRun(schema, value as object)) return failed(file, [...syntax, ...schema]);

  const raw = value as RawPolicy;
  const reporter = createReporter(source);
  const names = modelNames(raw, reporter);
  checkReferences(raw, names, reporter);
  checkRulesAndTests(raw, names, reporter);
  const diagnostics = capDiagnostics(
    sortDiagnostics([...syntax, ...schema, ...reporter.results].map((input) => createDiagnostic(file, input))),
  );
  if (hasErrors(diagnostics)) return { policy: null, diagnostics };
  const sourcePath = options.sourcePath === undefined ? path.resolve(file) : options.sourcePath;
  const policy = compilePolicy(raw, source, contentVersion(text), sourcePath);
  namePositions.set(policy, source.locate('/name'));
  return { policy, diagnostics };
}
