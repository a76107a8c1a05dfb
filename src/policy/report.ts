/**
 * The reporter the checks beyond the schema write to: it turns a pointer
 * into a position once, so each check only says what is wrong and where.
 */
import type { DiagnosticSeverity } from './types.js';
import type { DiagnosticInput } from './diagnostics.js';
import type { LocateTarget, PolicySource } from './source.js';

export interface CheckReport {
  readonly pointer: string;
  readonly check: string;
  readonly message: string;
  readonly severity?: DiagnosticSeverity;
  /** Point at the key of the entry (names, unknown keys) rather than its value. */
  readonly target?: LocateTarget;
}

export interface CheckReporter {
  readonly source: PolicySource;
  report(problem: CheckReport): void;
  readonly results: DiagnosticInput[];
}

/** A reporter collecting diagnostics for one source. */
export function createReporter(source: PolicySource): CheckReporter {
  const results: DiagnosticInput[] = [];
  return {
    source,
    results,
    report(problem) {
      results.push({
        severity: problem.severity ?? 'error',
        pointer: problem.pointer,
        check: problem.check,
        message: problem.message,
        position: source.locate(problem.pointer, problem.target ?? 'value'),
      });
    },
  };
}
