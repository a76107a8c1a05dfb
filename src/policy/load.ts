/**
 * The policy loader: YAML text → syntax checks → JSON Schema → reference and
 * rule checks → an immutable `Policy`. It never throws on bad input; every
 * problem is a diagnostic with a file, a 1-based line and column, a JSON
 * pointer and the check that found it.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq } from 'yaml';
import { compilePolicy } from './compile.js';
import { createDiagnostic, hasErrors, sortDiagnostics, type DiagnosticInput } from './diagnostics.js';
import { checkReferences, modelNames } from './references.js';
import { createReporter } from './report.js';
import { checkRulesAndTests } from './ruleChecks.js';
import { schemaDiagnostics } from './schema.js';
import { createPolicySet } from './set.js';
import { nearest } from './suggest.js';
import { firstAlias, keyAtOffset, parseSource, type PolicySource } from './source.js';
import type { RawPolicy } from './raw.js';
import type { Diagnostic, Policy, PolicySet } from './types.js';

export interface PolicyLoadResult {
  /** Null when any error-severity diagnostic was found. */
  readonly policy: Policy | null;
  /** Errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface PolicySetLoadResult {
  /** Null when any file had an error. */
  readonly set: PolicySet | null;
  readonly files: readonly { readonly file: string; readonly result: PolicyLoadResult }[];
  /** All diagnostics, including set-level ones (duplicate policy names). */
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

const start = { line: 1, column: 1 };

/** Where each loaded policy's `name` value sits, for set-level diagnostics. */
const namePositions = new WeakMap<Policy, { line: number; column: number }>();

function failed(file: string, inputs: readonly DiagnosticInput[]): PolicyLoadResult {
  return { policy: null, diagnostics: sortDiagnostics(inputs.map((input) => createDiagnostic(file, input))) };
}

function tooLarge(bytes: number): DiagnosticInput {
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
    const offset = error.pos[0];
    if (error.code === 'DUPLICATE_KEY') {
      const duplicate = keyAtOffset(source, offset);
      const where = duplicate?.first ? ` (first on line ${duplicate.first.line})` : '';
      results.push({
        pointer: duplicate?.pointer ?? '',
        check: 'duplicate-key',
        position: source.positionOf(offset),
        message: `duplicate key \`${duplicate?.key ?? ''}\`${where}: each key may appear once in a mapping; remove or merge one`,
      });
      continue;
    }
    results.push({ pointer: '', check: 'syntax', position: source.positionOf(offset), message: `YAML syntax: ${error.message}` });
  }
  for (const warning of source.document.warnings) {
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
  const source = parseSource(text);
  const syntax = syntaxDiagnostics(source);
  if (syntax.some((diagnostic) => diagnostic.severity !== 'warning')) return failed(file, syntax);
  const root = source.document.contents;
  if (root === null) {
    return failed(file, [
      ...syntax,
      { pointer: '', check: 'empty', position: start, message: 'the file is empty: a policy needs at least `name`, `models` and `primary_model`' },
    ]);
  }
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
  let value: unknown;
  try {
    value = source.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const alias = firstAlias(source);
    const reason = error instanceof Error ? error.message : String(error);
    return failed(file, [
      ...syntax,
      {
        pointer: alias?.pointer ?? '',
        check: 'alias',
        position: alias?.position ?? start,
        message: `YAML aliases expand too far (${reason}): write the values out instead of nesting aliases`,
      },
    ]);
  }
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
  const diagnostics = sortDiagnostics(
    [...syntax, ...schema, ...reporter.results].map((input) => createDiagnostic(file, input)),
  );
  if (hasErrors(diagnostics)) return { policy: null, diagnostics };
  const sourcePath = options.sourcePath === undefined ? path.resolve(file) : options.sourcePath;
  const policy = compilePolicy(raw, source, contentVersion(text), sourcePath);
  namePositions.set(policy, source.locate('/name'));
  return { policy, diagnostics };
}

function ioFailure(file: string, message: string): PolicyLoadResult {
  return failed(file, [{ pointer: '', check: 'io', position: start, message }]);
}

/**
 * Read and parse one file. Never throws on bad input (unreadable files are a diagnostic).
 *
 * @example
 * const { policy } = await loadPolicyFile('policies/default.yaml');
 */
export async function loadPolicyFile(file: string): Promise<PolicyLoadResult> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return ioFailure(file, 'not a file: give a policy file or a folder of them');
    if (info.size > MAX_POLICY_BYTES) return failed(file, [tooLarge(info.size)]);
    const text = await readFile(file, 'utf8');
    return parsePolicy(text, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return ioFailure(file, code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(error)})`);
  }
}

/** Files read at once: enough to keep the disk busy, well under any open-file limit. */
const READ_CONCURRENCY = 32;

async function mapBounded<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** True for the file names `loadPolicies` picks from a folder. */
export function isPolicyFileName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/**
 * The policy files named by `paths`: folders contribute their `*.yaml` /
 * `*.yml` files (not recursively, sorted by name); files are taken as given.
 * Paths that do not exist are returned in `missing`.
 */
export async function listPolicyFiles(paths: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const entry of paths) {
    try {
      const info = await stat(entry);
      if (info.isDirectory()) {
        const names = (await readdir(entry, { withFileTypes: true }))
          .filter((item) => item.isFile() && isPolicyFileName(item.name))
          .map((item) => item.name)
          .sort();
        files.push(...names.map((name) => path.join(entry, name)));
      } else {
        files.push(entry);
      }
    } catch {
      missing.push(entry);
    }
  }
  // The same file named twice (as a file and through its folder) is loaded once.
  const seen = new Set<string>();
  const unique = files.filter((file) => {
    const key = path.resolve(file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files: unique, missing };
}

/**
 * Load every `*.yaml` / `*.yml` in the given folders (not recursively) and
 * the given files into a PolicySet. Two files with the same policy `name`
 * are an error naming both files.
 *
 * @example
 * const { set, diagnostics } = await loadPolicies('policies');
 * set?.get('default')
 */
export async function loadPolicies(paths: string | readonly string[]): Promise<PolicySetLoadResult> {
  const list = typeof paths === 'string' ? [paths] : paths;
  const { files, missing } = await listPolicyFiles(list);
  const loaded = await mapBounded(files, READ_CONCURRENCY, async (file) => ({ file, result: await loadPolicyFile(file) }));
  const results = [...missing.map((file) => ({ file, result: ioFailure(file, 'no such file or folder') })), ...loaded];
  const owners = new Map<string, string>();
  const checked = results.map(({ file, result }) => {
    const policy = result.policy;
    if (!policy) return { file, result };
    const owner = owners.get(policy.name);
    if (owner === undefined) {
      owners.set(policy.name, file);
      return { file, result };
    }
    const duplicate = createDiagnostic(file, {
      pointer: '/name',
      check: 'duplicate',
      position: namePositions.get(policy) ?? start,
      message: `policy name \`${policy.name}\` is also used by ${owner}: policy names must be unique in a set (rename one)`,
    });
    return { file, result: { policy: null, diagnostics: sortDiagnostics([...result.diagnostics, duplicate]) } };
  });
  const diagnostics = checked.flatMap(({ result }) => result.diagnostics);
  const ok = checked.every(({ result }) => result.policy !== null);
  const set = ok ? createPolicySet(checked.map(({ result }) => result.policy as Policy)) : null;
  return { set, files: checked, diagnostics };
}
