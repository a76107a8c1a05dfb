/**
 * The kinds of provider detour speaks to. The lowest floor of the package:
 * error classification, adapters, policies and telemetry all name them.
 */

export type ProviderType =
  | 'openai'
  | 'anthropic'
  | 'google'
  | 'openai_compatible'
  | 'bedrock'
  | 'ai_sdk'
  | 'azure_openai'
  | 'vertex';

export const PROVIDER_TYPES: readonly ProviderType[] = [
  'openai',
  'anthropic',
  'google',
  'openai_compatible',
  'bedrock',
  'ai_sdk',
  'azure_openai',
  'vertex',
];
