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

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}
