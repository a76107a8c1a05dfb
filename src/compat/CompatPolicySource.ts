import type { Policy, PolicySet } from '../policy/types.js';
import { createPolicySet } from '../policy/set.js';
import type { PolicySource } from '../executor/types.js';
import type { FallbackConfig } from './FallbackConfig.js';
import type { FallbackStrategy } from './strategies.js';

/**
 * The one policy a FallbackManager / FallbackClientWrapper runs, rebuilt (and
 * revalidated) when the strategy changes or a call names a model the
 * catalog lacks. Sessions pin the set they started with, as with files.
 */
export class CompatPolicySource implements PolicySource {
  private set: PolicySet | null = null;
  private policy: Policy | null = null;
  private readonly extraModels = new Set<string>();

  constructor(
    private config: FallbackConfig,
    private strategy: FallbackStrategy | null,
  ) {
    // Built on first use: a config may name its first model only on the first call.
    if (config.init.primaryModel !== undefined || config.fallbackModels.length > 0) this.rebuild();
  }

  current(): PolicySet {
    if (this.set === null) this.rebuild();
    return this.set!;
  }

  get name(): string {
    return this.config.name;
  }

  get effectiveConfig(): FallbackConfig {
    return this.strategy === null ? this.config : this.config.with(this.strategy.changes());
  }

  setStrategy(strategy: FallbackStrategy | null): void {
    this.strategy = strategy;
    this.rebuild();
  }

  setConfig(config: FallbackConfig): void {
    this.config = config;
    this.rebuild();
  }

  /** Make sure `model` is in the catalog (a call's primary model). */
  ensureModel(model: string): void {
    if (this.policy !== null && (this.policy.models[model] !== undefined || this.policy.groups[model] !== undefined)) return;
    this.extraModels.add(model);
    this.rebuild();
  }

  private rebuild(): void {
    this.policy = this.build();
    this.set = createPolicySet([this.policy]);
  }

  private build(): Policy {
    return this.effectiveConfig.toPolicy(undefined, [...this.extraModels]);
  }
}
