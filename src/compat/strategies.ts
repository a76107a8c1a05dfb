/**
 * The seed's six strategy classes. Each is a thin face: it says which
 * `strategy_type` (and mappings, conditions, parallel timeout) the policy
 * gets; the executor does the work. Function conditions YAML cannot express
 * run in-process through the executor's `fallbackWhen` hook.
 */
import { ConditionalFallback } from '../errors/predicates.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { StrategyType } from '../policy/types.js';
import { CONDITION_PREDICATES } from '../policy/vocabulary.js';
import type { FallbackPredicate } from '../executor/types.js';
import type { FallbackConfig, FallbackConfigInit } from './FallbackConfig.js';

/** A seed-style condition: one of `ConditionalFallback`'s predicates, any function of the error, or a kind/type name. */
export type FallbackCondition = ((error: ErrorFact) => boolean) | string;

/** What every strategy class has: the config changes it makes and, optionally, an in-process condition. */
export abstract class FallbackStrategy {
  abstract readonly strategyType: StrategyType;
  constructor(readonly config: FallbackConfig) {}
  /** The config changes this strategy implies. */
  changes(): FallbackConfigInit {
    return { strategyType: this.strategyType };
  }
  /** In-process condition for the executor (conditional strategy with function conditions). */
  predicate(): FallbackPredicate | undefined {
    return undefined;
  }
}

/** `fallback_models` in order. @example new SequentialFallbackStrategy(config) */
export class SequentialFallbackStrategy extends FallbackStrategy {
  readonly strategyType = 'sequential' as const;
}

/** `fallback_models` shuffled per session. @example new RandomFallbackStrategy(config) */
export class RandomFallbackStrategy extends FallbackStrategy {
  readonly strategyType = 'random' as const;
}

/**
 * The models the map gives for the error first, then the rest of the chain.
 * @example new PriorityFallbackStrategy(config, { RateLimitError: ['claude-instant', 'gemini-pro'] })
 */
export class PriorityFallbackStrategy extends FallbackStrategy {
  readonly strategyType = 'priority' as const;
  constructor(config: FallbackConfig, readonly priorityMap: Readonly<Record<string, readonly string[]>>) {
    super(config);
  }
  override changes(): FallbackConfigInit {
    return { strategyType: this.strategyType, errorMappings: this.priorityMap };
  }
}

/**
 * Only the models the mapping gives; an unmapped error fails the session.
 * @example new ErrorTypeBasedStrategy(config, { TimeoutError: ['gpt-3.5-turbo'] })
 */
export class ErrorTypeBasedStrategy extends FallbackStrategy {
  readonly strategyType = 'error_type' as const;
  constructor(config: FallbackConfig, readonly errorModelMapping: Readonly<Record<string, readonly string[]>>) {
    super(config);
  }
  override changes(): FallbackConfigInit {
    return { strategyType: this.strategyType, errorMappings: this.errorModelMapping };
  }
}

/**
 * Several models at once, first answer wins, the rest are aborted. `timeout`
 * is per call, in seconds (the seed's); `width` defaults to every model the
 * budget allows.
 * @example new ParallelFallbackStrategy(config, { timeout: 30 })
 */
export class ParallelFallbackStrategy extends FallbackStrategy {
  readonly strategyType = 'parallel' as const;
  constructor(config: FallbackConfig, readonly options: { readonly timeout?: number; readonly width?: number } = {}) {
    super(config);
  }
  override changes(): FallbackConfigInit {
    const width = this.options.width ?? Math.max(2, Math.min(this.config.maxAttempts, 1 + this.config.fallbackModels.length));
    return { strategyType: this.strategyType, parallel: { width, ...(this.options.timeout === undefined ? {} : { timeout: this.options.timeout }) } };
  }
}

const PREDICATE_NAMES = new Map<unknown, string>(
  Object.entries(ConditionalFallback).map(([name, predicate]) => [predicate, name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)]),
);

/**
 * Falls back (in `fallback_models` order) only when a condition holds.
 * `ConditionalFallback`'s predicates and kind names become the policy's
 * `conditions`; other functions run in-process.
 *
 * @example
 * new ConditionalFallbackStrategy(config, [
 *   ConditionalFallback.onTimeout,
 *   ConditionalFallback.onRateLimit,
 *   (error) => error.message.toLowerCase().includes('overloaded'),
 * ])
 */
export class ConditionalFallbackStrategy extends FallbackStrategy {
  readonly strategyType = 'conditional' as const;
  private readonly kinds: string[] = [];
  private readonly functions: ((error: ErrorFact) => boolean)[] = [];

  constructor(config: FallbackConfig, readonly conditions: readonly FallbackCondition[]) {
    super(config);
    for (const condition of conditions) {
      if (typeof condition === 'string') {
        this.kinds.push(condition);
        continue;
      }
      const name = PREDICATE_NAMES.get(condition);
      const kinds = name === undefined ? undefined : CONDITION_PREDICATES[name];
      if (kinds === undefined) this.functions.push(condition);
      else this.kinds.push(...kinds);
    }
  }

  override changes(): FallbackConfigInit {
    return { strategyType: this.strategyType, conditions: [...new Set(this.kinds)] };
  }

  override predicate(): FallbackPredicate | undefined {
    const functions = this.functions;
    if (functions.length === 0) return undefined;
    return (error) => functions.some((condition) => condition(error));
  }
}
