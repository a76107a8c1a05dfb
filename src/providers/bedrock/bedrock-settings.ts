/**
 * From a `bedrock` provider configuration and the environment to the
 * settings its client is built with: region, profile, endpoint, and how it
 * authenticates (a Bedrock API key, static keys from the environment, or the
 * SDK's default credential chain).
 */
import { ProviderCallError } from '../../errors/ProviderCallError.js';
import type { ProviderConfig } from '../catalog.js';
import { detourFact } from '../call-error.js';
import { baseUrlFor, type SettingsContext } from '../provider-settings.js';
import type { AwsCredentials, BedrockClientSettings } from './create-bedrock-client.js';

/** The environment variable the AWS SDKs read a Bedrock API key from. */
export const BEDROCK_API_KEY_ENV = 'AWS_BEARER_TOKEN_BEDROCK';

/** The region a simulator-bound client signs for when nothing sets one. */
const SIMULATOR_REGION = 'us-east-1';

export interface ResolvedBedrockSettings extends Omit<BedrockClientSettings, 'fetch'> {
  /** Credential values to scrub from errors. */
  readonly secrets: readonly string[];
}

function present(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function staticCredentials(context: SettingsContext): AwsCredentials | null {
  if (context.apiKeyOverride !== undefined) return { accessKeyId: context.apiKeyOverride, secretAccessKey: context.apiKeyOverride };
  const accessKeyId = present(context.env['AWS_ACCESS_KEY_ID']);
  const secretAccessKey = present(context.env['AWS_SECRET_ACCESS_KEY']);
  if (accessKeyId === null || secretAccessKey === null) return null;
  const sessionToken = present(context.env['AWS_SESSION_TOKEN']);
  return sessionToken === null ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
}

/**
 * Region: the provider's `region`, else AWS_REGION, else AWS_DEFAULT_REGION
 * (else the SDK reads the profile's config file). Authentication, first that
 * applies: the variable `api_key_env` names (a Bedrock API key; required when
 * set), static keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (unless
 * the provider names a `profile`), AWS_BEARER_TOKEN_BEDROCK, else the SDK's
 * default credential chain at the first call.
 *
 * @throws ProviderCallError kind `authentication` naming the variable `api_key_env` names when it is empty.
 */
export function resolveBedrockSettings(provider: ProviderConfig, context: SettingsContext): ResolvedBedrockSettings {
  const env = context.env;
  const simulated = context.baseUrlOverride !== undefined;
  const region = provider.region ?? present(env['AWS_REGION']) ?? present(env['AWS_DEFAULT_REGION']) ?? (simulated ? SIMULATOR_REGION : null);
  const profile = provider.profile ?? present(env['AWS_PROFILE']);
  const endpoint = simulated ? baseUrlFor('bedrock', context.baseUrlOverride!) : provider.baseUrl;
  let bearerToken: string | null = null;
  let credentials: AwsCredentials | null = null;
  if (provider.apiKeyEnv !== null && context.apiKeyOverride === undefined) {
    bearerToken = present(env[provider.apiKeyEnv]);
    if (bearerToken === null) {
      const neededBy = context.modelName === null ? `provider ${provider.name}` : `model ${context.modelName}, provider ${provider.name}`;
      throw new ProviderCallError(detourFact('authentication', `${provider.apiKeyEnv} is not set (needed by ${neededBy})`, 'bedrock', { code: 'missing_api_key' }));
    }
  } else {
    credentials = provider.profile === undefined || context.apiKeyOverride !== undefined ? staticCredentials(context) : null;
    if (credentials === null) bearerToken = present(env[BEDROCK_API_KEY_ENV]);
  }
  const secrets = [credentials?.secretAccessKey, credentials?.sessionToken, credentials?.accessKeyId, bearerToken ?? undefined].filter(
    (secret): secret is string => secret !== undefined && secret !== context.apiKeyOverride,
  );
  return { region, profile, endpoint, credentials, bearerToken, timeoutMs: provider.timeoutMs, headers: provider.headers, secrets };
}

/** Where a Bedrock client sends requests, for telemetry before it exists. */
export function bedrockBaseUrl(provider: ProviderConfig, endpoint: string | null, env: Readonly<Record<string, string | undefined>>): string {
  if (endpoint !== null) return endpoint;
  const region = provider.region ?? present(env['AWS_REGION']) ?? present(env['AWS_DEFAULT_REGION']) ?? SIMULATOR_REGION;
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}
