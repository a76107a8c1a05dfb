import type { Diagnostic } from '../policy/types.js';

const marker = Symbol.for('detour.error.PolicyLoadError');

/**
 * `createExecutor` could not load its policies: every problem, with file:line:col.
 *
 * @example
 * try { await createExecutor({ policies: './policies' }) }
 * catch (error) { if (PolicyLoadError.isInstance(error)) for (const d of error.diagnostics) console.error(d.message) }
 */
export class PolicyLoadError extends Error {
  readonly [marker] = true;
  override readonly name = 'PolicyLoadError';
  readonly diagnostics: readonly Diagnostic[];

  /** `summary`, when given, is the whole message (a problem with no file position, such as an empty folder). */
  constructor(source: string, diagnostics: readonly Diagnostic[], summary?: string) {
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    const lines = errors.slice(0, 20).map((diagnostic) => `  ${diagnostic.file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.message}`);
    const more = errors.length > 20 ? `\n  … and ${errors.length - 20} more` : '';
    super(summary ?? `could not load policies from ${source}: ${errors.length} error${errors.length === 1 ? '' : 's'}\n${lines.join('\n')}${more}`);
    this.diagnostics = diagnostics;
  }

  static isInstance(error: unknown): error is PolicyLoadError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
