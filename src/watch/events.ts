/**
 * The events a {@link PolicyWatcher} emits (noun-then-verb names).
 */
import type { Diagnostic } from '../policy/types.js';
import type { PolicyChanges } from './changes.js';

/** A new policy set passed every check and now serves new sessions. */
export interface PolicyReloadedEvent {
  /** Every policy name in the new set, sorted. */
  readonly names: readonly string[];
  readonly previousVersion: string;
  readonly version: string;
  readonly changes: PolicyChanges;
  /** Warning-severity diagnostics of the new set (it serves anyway). */
  readonly warnings: readonly Diagnostic[];
  /** Files whose events led to this reload (absolute paths, sorted); empty for a manual `reload()`. */
  readonly files: readonly string[];
  /** How long loading and validating the set took, in ms. */
  readonly loadMs: number;
}

/** The files on disk failed a check; the running set keeps serving. */
export interface PolicyRejectedEvent {
  /** Every problem, each with `file`, `line` and `column` (1-based). */
  readonly diagnostics: readonly Diagnostic[];
  /** The version still serving. */
  readonly runningVersion: string;
  /** The diagnostics as `file:line:col: message` lines, ready to log. */
  readonly message: string;
  readonly files: readonly string[];
}

/** The watcher itself hit a problem (folder gone, permissions, loader crash); the running set keeps serving. */
export interface WatchErrorEvent {
  readonly error: Error;
}

/** Event name → listener arguments, for Node's typed `EventEmitter`. */
export interface PolicyWatcherEvents {
  'policy-reloaded': [event: PolicyReloadedEvent];
  'policy-rejected': [event: PolicyRejectedEvent];
  'watch-error': [event: WatchErrorEvent];
}
