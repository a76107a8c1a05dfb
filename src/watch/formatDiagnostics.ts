/**
 * Diagnostics as the `file:line:col: message` lines editors and CI understand.
 */
import type { Diagnostic } from '../policy/types.js';

/**
 * One line per diagnostic: `file:line:col: severity [check] message`.
 *
 * @example
 * formatDiagnostic(diagnostic)
 * // "/etc/detour/default.yaml:12:5: error [reference] fallback_models/1: unknown model 'gpt-5'"
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.severity} [${diagnostic.check}] ${diagnostic.message}`;
}

/** Every diagnostic, one per line (errors only unless `includeWarnings`). */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], includeWarnings = false): string {
  return diagnostics
    .filter((diagnostic) => includeWarnings || diagnostic.severity === 'error')
    .map(formatDiagnostic)
    .join('\n');
}
