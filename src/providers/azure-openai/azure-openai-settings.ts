/**
 * An `azure_openai` provider's own settings (`provider_config` keys
 * `endpoint` / `resource`, `api_version`, `auth`), and how they are resolved
 * at first use: the environment fills what the policy leaves out, and what
 * is still missing is a one-line error naming it.
 */
import { ProviderCallError } from '../../errors/ProviderCallError.js';
import { detourFact } from '../call-error.js';

/** The Azure OpenAI API version detour sends when neither the policy nor `OPENAI_API_VERSION` names one (the GA version it is tested with). */
export const AZURE_OPENAI_DEFAULT_API_VERSION = '2024-10-21';

/** How an `azure_openai` client signs its requests: an `api-key` header, or a Microsoft Entra ID bearer token. */
export type AzureOpenAIAuth = 'api_key' | 'entra_id';

export interface AzureOpenAISettings {
  /** `https://{resource}.openai.azure.com` (YAML `endpoint`, or `resource: {resource}`); null: `AZURE_OPENAI_ENDPOINT`. */
  readonly endpoint: string | null;
  /** YAML `api_version`; null: `OPENAI_API_VERSION`, else {@link AZURE_OPENAI_DEFAULT_API_VERSION}. */
  readonly apiVersion: string | null;
  /** @default 'api_key' */
  readonly auth: AzureOpenAIAuth;
}

/** The endpoint of an Azure OpenAI resource by its name. */
export function azureResourceEndpoint(resource: string): string {
  return `https://${resource}.openai.azure.com`;
}

/** An `azure_openai` provider's endpoint and API version, once the environment has filled the gaps. */
export interface ResolvedAzureOpenAI {
  readonly endpoint: string;
  readonly apiVersion: string;
  readonly auth: AzureOpenAIAuth;
}

function missingSetting(providerName: string, message: string, code: string): ProviderCallError {
  return new ProviderCallError(detourFact('invalid_request', `provider ${providerName} (azure_openai) ${message}`, 'azure_openai', { code }));
}

/**
 * The endpoint (policy, else `AZURE_OPENAI_ENDPOINT`) and API version (policy,
 * else `OPENAI_API_VERSION`, else the default). `endpoint` is not needed when
 * the client gets a base URL (`base_url`, or the simulator's).
 *
 * @throws ProviderCallError kind `invalid_request`, code `missing_endpoint`, naming both ways to give it
 */
export function resolveAzureOpenAI(
  providerName: string,
  settings: AzureOpenAISettings | undefined,
  env: Readonly<Record<string, string | undefined>>,
  hasBaseUrl: boolean,
): ResolvedAzureOpenAI {
  const endpoint = settings?.endpoint ?? nonEmpty(env['AZURE_OPENAI_ENDPOINT']);
  if (endpoint === null && !hasBaseUrl) {
    throw missingSetting(
      providerName,
      'needs its endpoint: set `endpoint: https://{resource}.openai.azure.com` (or `resource:`) in provider_config, or AZURE_OPENAI_ENDPOINT',
      'missing_endpoint',
    );
  }
  return {
    endpoint: endpoint ?? '',
    apiVersion: settings?.apiVersion ?? nonEmpty(env['OPENAI_API_VERSION']) ?? AZURE_OPENAI_DEFAULT_API_VERSION,
    auth: settings?.auth ?? 'api_key',
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}
