const marker = Symbol.for('detour.error.ScenarioError');

/** One problem in a scenario, located by path and, for YAML, by line and column (1-based). */
export interface ScenarioIssue {
  readonly message: string;
  /** e.g. `models.gpt-4o.faults.0.when.probability`. */
  readonly path: string;
  readonly line: number | null;
  readonly column: number | null;
}

/**
 * A scenario that could not be read or is invalid. `message` is one line,
 * `file:line:col: what is wrong` for the first issue; `issues` holds them all.
 *
 * @example
 * try { await loadScenarioFile('chaos.yaml') }
 * catch (error) { if (ScenarioError.isInstance(error)) console.error(error.message) }
 */
export class ScenarioError extends Error {
  readonly [marker] = true;
  override readonly name = 'ScenarioError';
  readonly file: string | null;
  readonly issues: readonly ScenarioIssue[];
  /** How many problems were found; `issues` may list only the first of them. */
  readonly total: number;

  constructor(file: string | null, issues: readonly ScenarioIssue[], options: { cause?: unknown; total?: number } = {}) {
    const total = Math.max(options.total ?? issues.length, issues.length);
    super(formatFirst(file, issues, total), options.cause === undefined ? undefined : { cause: options.cause });
    this.file = file;
    this.issues = issues;
    this.total = total;
  }

  static isInstance(error: unknown): error is ScenarioError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

function formatFirst(file: string | null, issues: readonly ScenarioIssue[], total: number): string {
  const first = issues[0];
  if (first === undefined) return `${file ?? 'scenario'}: invalid scenario`;
  const location = [file ?? 'scenario', first.line, first.column].filter((part) => part !== null).join(':');
  const where = first.path === '' ? '' : `${first.path}: `;
  const more = total > 1 ? ` (and ${(total - 1).toLocaleString('en-US')} more)` : '';
  return `${location}: ${where}${first.message}${more}`;
}
