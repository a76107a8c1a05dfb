/**
 * Building, ordering and summarising diagnostics. Every loader stage reports
 * through these helpers so each problem carries a file, a 1-based position,
 * a JSON pointer and the name of the check that found it.
 */
import type { Diagnostic, DiagnosticSeverity } from './types.js';

/** Escape one JSON pointer segment (RFC 6901). */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Split a JSON pointer into unescaped segments (`''` is the root). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A JSON pointer from path segments.
 *
 * @example
 * toPointer(['rules', 0, 'when']) // '/rules/0/when'
 */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${escapePointerSegment(segment)}`).join('');
}

/** Where a diagnostic points, 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The fields a check supplies; the file is added by the caller. */
export interface DiagnosticInput {
  readonly severity?: DiagnosticSeverity;
  readonly pointer: string;
  readonly check: string;
  readonly message: string;
  readonly position: SourcePosition;
}

/** A Diagnostic for `file` (severity defaults to `error`). */
export function createDiagnostic(file: string, input: DiagnosticInput): Diagnostic {
  return {
    severity: input.severity ?? 'error',
    file,
    line: input.position.line,
    column: input.position.column,
    pointer: input.pointer,
    check: input.check,
    message: input.message,
  };
}

/** File order: by line, then column; errors before warnings at the same spot. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (left, right) =>
      left.line - right.line ||
      left.column - right.column ||
      (left.severity === right.severity ? 0 : left.severity === 'error' ? -1 : 1),
  );
}

/** Most diagnostics reported for one file; the rest are summed up in one more. @default 20 */
export const MAX_DIAGNOSTICS_PER_FILE = 20;

/**
 * The first {@link MAX_DIAGNOSTICS_PER_FILE} diagnostics of a file (already
 * in file order), then one that says how many more there are: a file of
 * 60,000 unknown keys needs fixing at its generator, not 60,000 lines of output.
 *
 * @example
 * capDiagnostics(sixtyThousand).at(-1)?.message // '… and 59,980 more problems in this file (the first 20 are shown)'
 */
export function capDiagnostics(diagnostics: readonly Diagnostic[]): readonly Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS_PER_FILE) return diagnostics;
  const shown = diagnostics.slice(0, MAX_DIAGNOSTICS_PER_FILE);
  const next = diagnostics[MAX_DIAGNOSTICS_PER_FILE] as Diagnostic;
  const rest = diagnostics.length - MAX_DIAGNOSTICS_PER_FILE;
  const summary: Diagnostic = {
    severity: hasErrors(diagnostics.slice(MAX_DIAGNOSTICS_PER_FILE)) ? 'error' : 'warning',
    file: next.file,
    line: next.line,
    column: next.column,
    pointer: next.pointer,
    check: 'limit',
    message: `… and ${rest.toLocaleString('en-US')} more problem${rest === 1 ? '' : 's'} in this file (the first ${MAX_DIAGNOSTICS_PER_FILE} are shown)`,
  };
  return [...shown, summary];
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}
