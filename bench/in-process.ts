/** Adapters for benchmarks that measure detour itself: every call answers at once with one response. */
import type { Policy } from '../src/policy/types.js';
import type { AdapterSource } from '../src/providers/factory.js';
import type { GenerateResponse, ProviderAdapter } from '../src/providers/spec.js';

/** An AdapterSource whose adapters answer `response` at once (streams are not used). */
export function inProcessSource(response: GenerateResponse, server: { readonly address: string | null; readonly port: number | null } = { address: null, port: null }): AdapterSource {
  return {
    getAdapter(policy: Policy, modelName: string): ProviderAdapter {
      return {
        specificationVersion: 'v2',
        provider: 'openai',
        providerType: 'openai',
        modelId: policy.models[modelName]?.model ?? modelName,
        serverAddress: server.address,
        serverPort: server.port,
        generate: async () => response,
        stream: () => {
          throw new Error('not used');
        },
      };
    },
  };
}
