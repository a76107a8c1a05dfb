/**
 * STUB — owned by the providers helper (issue 4), which replaces the bodies.
 */
import type { Policy, ProviderConfig } from '../policy/types.js';
import type { ProviderAdapter } from './spec.js';

/** What the executor needs: a model name (catalog key) of a policy → its adapter. */
export interface AdapterSource {
  /** Throws a ProviderCallError (kind `authentication`) naming the env variable when a key is missing. */
  getAdapter(policy: Policy, modelName: string): ProviderAdapter;
}

/** The seed's factory interface, for users who manage their own clients. */
export interface ClientFactory {
  createClient(provider: ProviderConfig): unknown;
  getAvailableModels(): readonly string[];
}

export class SelfManagingFallbackFactory implements AdapterSource, ClientFactory {
  getAdapter(policy: Policy, modelName: string): ProviderAdapter {
    void policy;
    void modelName;
    throw new Error('SelfManagingFallbackFactory: not built yet');
  }
  createClient(provider: ProviderConfig): unknown {
    void provider;
    throw new Error('SelfManagingFallbackFactory: not built yet');
  }
  getAvailableModels(): readonly string[] {
    return [];
  }
}
