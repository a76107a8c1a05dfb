/**
 * From an `azure_openai` provider configuration to its client's settings:
 * the endpoint and API version (the policy's, else the environment's), and
 * the sign-in, an `api-key` or a Microsoft Entra ID token provider (the
 * caller's, else `@azure/identity`'s DefaultAzureCredential, imported on
 * first use).
 */
import type { ProviderConfig } from '../catalog.js';
import type { ClientSettings } from '../client-settings.js';
import { loadSdk } from '../load-sdk.js';
import { resolveAzureOpenAI } from './azure-openai-settings.js';
import { AZURE_COGNITIVE_SERVICES_SCOPE, type AzureADTokenProvider, type AzureOpenAIClientSettings } from './create-azure-openai-client.js';

/**
 * The settings an `AzureOpenAI` client is built from, all but `fetch` and the
 * token provider (which may need an import). Throws at once when the endpoint
 * is missing.
 */
export function azureOpenAISettings(
  provider: ProviderConfig,
  resolved: Omit<ClientSettings, 'fetch'>,
  env: Readonly<Record<string, string | undefined>>,
): Omit<AzureOpenAIClientSettings, 'fetch' | 'azureADTokenProvider'> & { readonly entraId: boolean } {
  const azure = resolveAzureOpenAI(provider.name, provider.azure, env, resolved.baseUrl !== null);
  return { ...resolved, endpoint: azure.endpoint, apiVersion: azure.apiVersion, entraId: azure.auth === 'entra_id' };
}

/**
 * The Entra ID token provider: the one passed in code, else one over
 * `@azure/identity`'s DefaultAzureCredential (environment, workload or
 * managed identity, Azure CLI…), scoped to Cognitive Services.
 *
 * @throws ProviderCallError code `missing_package` when `@azure/identity` is needed and not installed
 */
export async function azureADTokenProviderFor(provider: ProviderConfig, given: AzureADTokenProvider | undefined): Promise<AzureADTokenProvider> {
  if (given !== undefined) return given;
  const identity = await loadSdk('@azure/identity', provider);
  return identity.getBearerTokenProvider(new identity.DefaultAzureCredential(), AZURE_COGNITIVE_SERVICES_SCOPE);
}
