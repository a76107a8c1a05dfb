/**
 * What the session loop reacts to: attempts settling, timers firing and the
 * caller giving up all arrive as one of these, handled one at a time.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { GenerateResponse } from '../providers/spec.js';
import type { AttemptRun } from './AttemptRun.js';

export type SessionEvent =
  | { readonly type: 'succeeded'; readonly run: AttemptRun; readonly response: GenerateResponse }
  | { readonly type: 'failed'; readonly run: AttemptRun; readonly error: unknown }
  | { readonly type: 'unavailable'; readonly model: string; readonly provider: string | null; readonly fact: ErrorFact; readonly number: number }
  | { readonly type: 'hedge' }
  | { readonly type: 'delay-over' }
  | { readonly type: 'aborted' }
  | { readonly type: 'deadline' };
