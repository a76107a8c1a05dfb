import type { AdapterSource } from '../providers/factory.js';
import type { StickyStore } from '../rules/plan.js';
import type { FallbackSession } from '../stats/FallbackSession.js';
import type { LiveStats } from '../stats/LiveStats.js';
import type { TelemetryHooks } from '../telemetry/hooks.js';
import type { Cooldowns } from './CircuitBreaker.js';
import type { Clock, ExecutorStreamEvent, FallbackLogger } from './types.js';

/** What every session of one executor shares. */
export interface SessionServices {
  readonly factory: AdapterSource;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: FallbackLogger | null;
  readonly cooldowns: Cooldowns;
  /** Live model statistics (shared through the state store). */
  readonly live: LiveStats;
  readonly telemetry: TelemetryHooks;
  readonly sticky: StickyStore;
  readonly captureContent: boolean;
  /** Count a finished session in stats and history. */
  record(session: FallbackSession): void;
  nextId(): number;
}

/** Where a streaming session sends events. `push` returns a promise only when the consumer is behind. */
export interface StreamSink {
  push(event: ExecutorStreamEvent): Promise<void> | undefined;
}
