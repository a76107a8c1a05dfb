/**
 * The provider SDKs are optional peer dependencies: a service installs the
 * ones it calls. Each is imported the first time a policy needs it (once per
 * process), so importing detour costs none of them, and a missing one fails
 * only the attempts that need it, with a one-line error naming the package.
 */
import type * as AnthropicSdk from '@anthropic-ai/sdk';
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import type * as AnthropicVertexSdk from '@anthropic-ai/vertex-sdk';
import type * as AzureIdentity from '@azure/identity';
import type * as GoogleSdk from '@google/genai';
import type * as OpenAISdk from 'openai';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { registerSdkErrorClasses } from '../errors/sdk-error-classes.js';
import { detourFact } from './call-error.js';
import type { ProviderType } from './spec.js';
import { vertexPublisher } from './vertex/vertex-settings.js';

/** Each SDK package's module, as `import()` gives it. */
export interface ProviderSdks {
  readonly openai: typeof OpenAISdk;
  readonly '@anthropic-ai/sdk': typeof AnthropicSdk;
  readonly '@google/genai': typeof GoogleSdk;
  readonly '@aws-sdk/client-bedrock-runtime': typeof BedrockSdk;
  readonly '@anthropic-ai/vertex-sdk': typeof AnthropicVertexSdk;
  readonly '@azure/identity': typeof AzureIdentity;
}

export type SdkPackage = keyof ProviderSdks;

/** The package each provider type's client comes from (for `vertex`, its Gemini models': see `sdkPackageOf`). */
export const SDK_PACKAGES: Readonly<Record<Exclude<ProviderType, 'ai_sdk'>, SdkPackage>> = {
  openai: 'openai',
  openai_compatible: 'openai',
  anthropic: '@anthropic-ai/sdk',
  google: '@google/genai',
  bedrock: '@aws-sdk/client-bedrock-runtime',
  azure_openai: 'openai',
  vertex: '@google/genai',
};

/**
 * The package one model's client comes from: its provider type's, except
 * Claude on Vertex AI, which is served through Anthropic's Vertex SDK.
 *
 * @example
 * sdkPackageOf('vertex', 'claude-sonnet-4@20250514') // '@anthropic-ai/vertex-sdk'
 */
export function sdkPackageOf(type: Exclude<ProviderType, 'ai_sdk'>, modelId: string): SdkPackage {
  return type === 'vertex' && vertexPublisher(modelId) === 'anthropic' ? '@anthropic-ai/vertex-sdk' : SDK_PACKAGES[type];
}

// Literal specifiers, so bundlers see (and can include) each SDK.
const importers: { readonly [Package in SdkPackage]: () => Promise<ProviderSdks[Package]> } = {
  openai: () => import('openai'),
  '@anthropic-ai/sdk': () => import('@anthropic-ai/sdk'),
  '@google/genai': () => import('@google/genai'),
  '@aws-sdk/client-bedrock-runtime': () => import('@aws-sdk/client-bedrock-runtime'),
  '@anthropic-ai/vertex-sdk': () => import('@anthropic-ai/vertex-sdk'),
  '@azure/identity': () => import('@azure/identity'),
};

const loads = new Map<SdkPackage, Promise<unknown>>();

function registerErrorClasses(packageName: SdkPackage, sdk: unknown): void {
  if (packageName === 'openai') registerSdkErrorClasses('openai', sdk);
  else if (packageName === '@anthropic-ai/sdk') registerSdkErrorClasses('anthropic', sdk);
  else if (packageName === '@anthropic-ai/vertex-sdk') registerSdkErrorClasses('anthropic', (sdk as typeof AnthropicVertexSdk).AnthropicVertex);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? '';
}

/** True when the import failed because the package itself is not installed (not one of its own files or dependencies). */
function isMissing(error: unknown, packageName: SdkPackage): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = firstLine(error);
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${packageName}'`);
}

/**
 * The one-line error for an SDK that could not be imported: kind
 * `invalid_request` (not retryable: installing is a deploy, not a retry),
 * code `missing_package` (or `package_load_failed` for a broken install).
 *
 * @example
 * missingSdkError('openai', 'openai', new Error("Cannot find package 'openai'")).fact.message
 * // → 'provider openai needs the `openai` package: npm install openai'
 */
export function missingSdkError(packageName: SdkPackage, provider: { readonly name: string; readonly type: ProviderType }, cause: unknown): ProviderCallError {
  const missing = isMissing(cause, packageName);
  const message = missing
    ? `provider ${provider.name} needs the \`${packageName}\` package: npm install ${packageName}`
    : `provider ${provider.name} could not load the \`${packageName}\` package (${firstLine(cause)}); reinstall it: npm install ${packageName}`;
  return new ProviderCallError(detourFact('invalid_request', message, provider.type, { code: missing ? 'missing_package' : 'package_load_failed' }), {
    cause,
  });
}

/**
 * The SDK module for a provider, imported on the first call and shared by
 * every later one. Rejects with {@link missingSdkError} when the package is
 * not installed.
 *
 * @example
 * const { default: OpenAI } = await loadSdk('openai', { name: 'openai', type: 'openai' });
 */
export function loadSdk<Package extends SdkPackage>(
  packageName: Package,
  provider: { readonly name: string; readonly type: ProviderType },
): Promise<ProviderSdks[Package]> {
  let load = loads.get(packageName) as Promise<ProviderSdks[Package]> | undefined;
  if (load === undefined) {
    load = importers[packageName]().then(
      (sdk) => {
        registerErrorClasses(packageName, sdk);
        return sdk;
      },
      (error: unknown) => {
        // Not remembered: installing the package makes the next attempt import it.
        loads.delete(packageName);
        throw error;
      },
    );
    loads.set(packageName, load);
  }
  return load.catch((error: unknown) => {
    throw missingSdkError(packageName, provider, error);
  });
}
