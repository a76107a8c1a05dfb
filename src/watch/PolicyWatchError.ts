/**
 * The error `watchPolicies` rejects with when the folder cannot serve at start.
 */
import type { Diagnostic } from '../policy/types.js';
import { formatDiagnostics } from './formatDiagnostics.js';

const marker = Symbol.for('detour.error.PolicyWatchError');

/**
 * Thrown (as a rejection) by `watchPolicies` when the initial policy set is
 * invalid or the folder cannot be watched. `diagnostics` lists every problem
 * with its `file:line:col`; the message repeats them.
 *
 * @example
 * try { await watchPolicies('./policies') }
 * catch (error) {
 *   if (PolicyWatchError.isInstance(error)) for (const d of error.diagnostics) console.error(d.file, d.line, d.message)
 * }
 */
export class PolicyWatchError extends Error {
  readonly [marker] = true;
  override readonly name = 'PolicyWatchError';
  readonly folder: string;
  readonly diagnostics: readonly Diagnostic[];

  constructor(options: { folder: string; message: string; diagnostics?: readonly Diagnostic[]; cause?: unknown }) {
    const diagnostics = options.diagnostics ?? [];
    const details = formatDiagnostics(diagnostics);
    super(details ? `${options.message}\n${details}` : options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.folder = options.folder;
    this.diagnostics = diagnostics;
  }

  static isInstance(error: unknown): error is PolicyWatchError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
