/**
 * The well-known values of `gen_ai.provider.name` and
 * `gen_ai.operation.name` for detour's providers. The conventions say a
 * well-known value MUST be used when one applies, so an OpenAI-compatible
 * endpoint is named after the service behind it when its host or its
 * `provider_config` key says which one it is.
 */
import type { ProviderType } from '../providers/spec.js';

/**
 * Hosts of services with a well-known provider name; a host matches itself
 * and its subdomains, and an entry starting with `-` matches any host ending
 * with it (Vertex AI's regional hosts: `us-central1-aiplatform.googleapis.com`).
 */
const PROVIDER_BY_HOST: readonly (readonly [domain: string, providerName: string])[] = [
  ['api.openai.com', 'openai'],
  ['openai.azure.com', 'azure.ai.openai'],
  ['cognitiveservices.azure.com', 'azure.ai.openai'],
  ['services.ai.azure.com', 'azure.ai.inference'],
  ['inference.ai.azure.com', 'azure.ai.inference'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['groq.com', 'groq'],
  ['deepseek.com', 'deepseek'],
  ['mistral.ai', 'mistral_ai'],
  ['x.ai', 'x_ai'],
  ['perplexity.ai', 'perplexity'],
  ['moonshot.ai', 'moonshot_ai'],
  ['moonshot.cn', 'moonshot_ai'],
  ['cohere.ai', 'cohere'],
  ['cohere.com', 'cohere'],
  ['ml.cloud.ibm.com', 'ibm.watsonx.ai'],
  ['amazonaws.com', 'aws.bedrock'],
];

/** `provider_config` keys (lower case, letters and digits only) that name a service: the key starts with one of these. */
const PROVIDER_BY_KEY: readonly (readonly [keyStart: string, providerName: string])[] = [
  ['azure', 'azure.ai.openai'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['mistral', 'mistral_ai'],
  ['xai', 'x_ai'],
  ['grok', 'x_ai'],
  ['perplexity', 'perplexity'],
  ['pplx', 'perplexity'],
  ['moonshot', 'moonshot_ai'],
  ['kimi', 'moonshot_ai'],
  ['cohere', 'cohere'],
  ['watsonx', 'ibm.watsonx.ai'],
  ['bedrock', 'aws.bedrock'],
  ['vertex', 'gcp.vertex_ai'],
  ['gemini', 'gcp.gemini'],
];

/** Adapter types (present and planned) whose provider name is fixed. */
const PROVIDER_BY_TYPE: Readonly<Record<string, string>> = {
  anthropic: 'anthropic',
  azure_openai: 'azure.ai.openai',
  vertex: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
};

/**
 * AI SDK provider ids (the first segment of a model's `provider`, e.g.
 * `mistral.chat`) with a well-known name; others report the segment itself.
 */
const PROVIDER_BY_AI_SDK_ID: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  groq: 'groq',
  xai: 'x_ai',
  deepseek: 'deepseek',
  cohere: 'cohere',
  perplexity: 'perplexity',
  moonshotai: 'moonshot_ai',
};

/** `gen_ai.provider.name` of an AI SDK model from its `provider` (`google.vertex.chat` → `gcp.vertex_ai`). */
function byAiSdkProvider(provider: string | null): string | null {
  if (provider === null) return null;
  const [first = '', second] = provider.toLowerCase().split('.');
  if (first === 'google' && second === 'vertex') return 'gcp.vertex_ai';
  return PROVIDER_BY_AI_SDK_ID[first] ?? (first === '' ? null : first);
}

function byHost(serverAddress: string | null): string | null {
  if (serverAddress === null) return null;
  const host = serverAddress.toLowerCase();
  for (const [domain, providerName] of PROVIDER_BY_HOST) {
    if (domain.startsWith('-') ? host.endsWith(domain) : host === domain || host.endsWith(`.${domain}`)) {
      // Any AWS host is not Bedrock: only its runtime endpoints are.
      if (providerName === 'aws.bedrock' && !host.includes('bedrock')) continue;
      return providerName;
    }
  }
  return null;
}

function byKey(providerKey: string | null): string | null {
  if (providerKey === null) return null;
  const key = providerKey.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const [keyStart, providerName] of PROVIDER_BY_KEY) if (key.startsWith(keyStart)) return providerName;
  return null;
}

/**
 * `gen_ai.provider.name` for one adapter. `anthropic` is Anthropic; `google`
 * is the Gemini API (`gcp.gemini`), or Vertex AI (`gcp.vertex_ai`) when the
 * base URL is an `aiplatform.googleapis.com` host; `openai` and
 * `openai_compatible` are named by their host (Azure OpenAI, Groq, DeepSeek,
 * Mistral, xAI, Perplexity…), else by their `provider_config` key, else
 * `openai` (the wire format they speak); `ai_sdk` by the AI SDK model's
 * `provider` (`mistral.chat` → `mistral_ai`). Unknown adapter types report
 * themselves.
 *
 * @example
 * genAiProviderName('google', 'generativelanguage.googleapis.com', 'google') // 'gcp.gemini'
 * genAiProviderName('openai_compatible', 'api.groq.com', 'fast') // 'groq'
 * genAiProviderName('openai_compatible', '127.0.0.1', 'deepseek') // 'deepseek'
 * genAiProviderName('openai_compatible', 'localhost', 'ollama') // 'openai'
 * genAiProviderName('ai_sdk', null, 'mistral.chat') // 'mistral_ai'
 */
export function genAiProviderName(providerType: ProviderType | string, serverAddress: string | null = null, providerKey: string | null = null): string {
  const fixed = PROVIDER_BY_TYPE[providerType];
  if (fixed !== undefined) return fixed;
  switch (providerType) {
    case 'google':
      return byHost(serverAddress) === 'gcp.vertex_ai' ? 'gcp.vertex_ai' : 'gcp.gemini';
    case 'openai':
    case 'openai_compatible':
      return byHost(serverAddress) ?? byKey(providerKey) ?? 'openai';
    case 'ai_sdk':
      return byAiSdkProvider(providerKey) ?? 'ai_sdk';
    default:
      return byHost(serverAddress) ?? byKey(providerKey) ?? providerType;
  }
}

/**
 * `gen_ai.operation.name`: `generate_content` for Google's Generate Content
 * API (Gemini and Vertex AI's Google models), `chat` for the chat APIs
 * (OpenAI Chat Completions and every endpoint that speaks it, Anthropic
 * Messages, Claude on Vertex AI).
 *
 * @example
 * genAiOperationName('google') // 'generate_content'
 * genAiOperationName('anthropic') // 'chat'
 * genAiOperationName('vertex', 'claude-sonnet-4@20250514') // 'chat'
 */
export function genAiOperationName(providerType: ProviderType | string, modelId = ''): 'chat' | 'generate_content' {
  if (providerType === 'vertex') return /^claude-/i.test(modelId) ? 'chat' : 'generate_content';
  return providerType === 'google' ? 'generate_content' : 'chat';
}
