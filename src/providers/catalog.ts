/**
 * The part of a policy the adapters are built from: its providers and its
 * model catalog. A compiled policy is one (src/policy/types.ts extends these).
 */
import type { ProviderType } from '../provider-type.js';
import type { AzureOpenAISettings } from './azure-openai/azure-openai-settings.js';
import type { VertexSettings } from './vertex/vertex-settings.js';

/** How to reach one provider: its type, where its key is, its address and limits. */
export interface ProviderConfig {
  readonly name: string;
  readonly type: ProviderType;
  /** Name of the environment variable that holds the key. */
  readonly apiKeyEnv: string | null;
  readonly baseUrl: string | null;
  readonly timeoutMs: number | null;
  readonly maxConnections: number | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Bedrock: the AWS region (absent: AWS_REGION, AWS_DEFAULT_REGION, then the profile's). */
  readonly region?: string;
  /** Bedrock: the shared-config profile credentials and region come from (absent: AWS_PROFILE). */
  readonly profile?: string;
  /** `azure_openai` only: the resource's endpoint, API version and sign-in. */
  readonly azure?: AzureOpenAISettings;
  /** `vertex` only: the Google Cloud project and location. */
  readonly vertex?: VertexSettings;
}

/** One catalog entry as an adapter sees it. */
export interface ModelEndpoint {
  /** The catalog key. */
  readonly name: string;
  /** Key into `providers`, or a provider type used with its defaults. */
  readonly provider: string;
  /** The provider's model id (defaults to the key). */
  readonly model: string;
  /** Per-model request params, merged over the caller's (YAML snake_case keys kept). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A named catalog of models and the providers that serve them. */
export interface ProviderCatalog {
  readonly name: string;
  readonly models: Readonly<Record<string, ModelEndpoint>>;
  readonly providers: Readonly<Record<string, ProviderConfig>>;
}
