/**
 * From a `vertex` provider configuration to its clients' settings: the
 * project and location (the policy's, else the environment's) and the
 * credentials (the auth client passed in code, a fixed token under
 * `apiKeyOverride` for the simulator, else Google's application-default
 * credentials, which the SDKs find themselves).
 */
import type { ProviderConfig } from '../catalog.js';
import type { ClientSettings } from '../client-settings.js';
import { fixedTokenAuthClient, type GoogleAuthClient } from './google-auth-client.js';
import type { VertexClientSettings } from './create-vertex-clients.js';
import { resolveVertex } from './vertex-settings.js';

/**
 * @throws ProviderCallError code `missing_project` or `missing_location`, naming the setting and its variable
 */
export function vertexSettings(
  provider: ProviderConfig,
  resolved: Omit<ClientSettings, 'fetch'>,
  env: Readonly<Record<string, string | undefined>>,
  authClient: GoogleAuthClient | undefined,
  apiKeyOverride: string | undefined,
): Omit<VertexClientSettings, 'fetch'> {
  const { project, location } = resolveVertex(provider.name, provider.vertex, env);
  const auth = authClient ?? (apiKeyOverride === undefined ? null : fixedTokenAuthClient(apiKeyOverride, project));
  return { baseUrl: resolved.baseUrl, timeoutMs: resolved.timeoutMs, headers: resolved.headers, project, location, authClient: auth };
}
