/**
 * The AI SDK's call options as one detour request: the prompt, tools, tool
 * choice, response format, reasoning, sampling parameters and the abort
 * signal. What detour cannot carry is dropped with a warning, which the AI SDK
 * shows the caller (`result.warnings`).
 */
import type { LanguageModelV4CallOptions, SharedV4Warning } from '@ai-sdk/provider';
import type { GenerateOptions } from '../executor/types.js';
import { fromAiSdkPrompt } from '../providers/ai-sdk/prompt.js';
import { METADATA_HEADER_PREFIX, metadataFromHeaders } from '../metadata-headers.js';
import type { GenerationParams, JSONSchema, ReasoningOptions, RequestFeatures, Tool, ToolChoice } from '../providers/spec.js';

/** What `detourModel` was built with: the policy, and request facts for every call. */
export interface DetourModelSettings {
  readonly policy: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The request, without the policy, and the warnings for what was dropped. */
export interface MappedCall {
  readonly request: GenerateOptions;
  readonly warnings: SharedV4Warning[];
}

function toolChoiceOf(choice: NonNullable<LanguageModelV4CallOptions['toolChoice']>): ToolChoice {
  return choice.type === 'tool' ? { name: choice.toolName } : choice.type;
}

function reasoningOf(reasoning: NonNullable<LanguageModelV4CallOptions['reasoning']>, warnings: SharedV4Warning[]): ReasoningOptions | undefined {
  switch (reasoning) {
    case 'provider-default':
    case 'none':
      return undefined;
    case 'low':
    case 'medium':
    case 'high':
      return { effort: reasoning };
    case 'minimal':
      warnings.push({ type: 'compatibility', feature: 'reasoning', details: 'minimal is sent as low' });
      return { effort: 'low' };
    default:
      warnings.push({ type: 'compatibility', feature: 'reasoning', details: `${reasoning} is sent as high` });
      return { effort: 'high' };
  }
}

function toolsOf(tools: NonNullable<LanguageModelV4CallOptions['tools']>, warnings: SharedV4Warning[]): Tool[] {
  const out: Tool[] = [];
  for (const tool of tools) {
    if (tool.type !== 'function') {
      warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}`, details: 'only function tools go through detour' });
      continue;
    }
    out.push({ name: tool.name, parameters: tool.inputSchema as JSONSchema, ...(tool.description === undefined ? {} : { description: tool.description }) });
  }
  return out;
}

function paramsOf(options: LanguageModelV4CallOptions): GenerationParams | undefined {
  const extra: Record<string, unknown> = {};
  if (options.topK !== undefined) extra['top_k'] = options.topK;
  if (options.presencePenalty !== undefined) extra['presence_penalty'] = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) extra['frequency_penalty'] = options.frequencyPenalty;
  if (options.seed !== undefined) extra['seed'] = options.seed;
  const params: GenerationParams = {
    ...(options.maxOutputTokens === undefined ? {} : { maxTokens: options.maxOutputTokens }),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.topP === undefined ? {} : { topP: options.topP }),
    ...(options.stopSequences === undefined ? {} : { stop: options.stopSequences }),
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
  };
  return Object.keys(params).length === 0 ? undefined : params;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Per-call detour options in `providerOptions.detour`: `metadata` (merged
 * over the model's), `model` (a model or group of the policy to start with),
 * `randomSeed`.
 */
function detourOptions(options: LanguageModelV4CallOptions, warnings: SharedV4Warning[]): { metadata?: Record<string, unknown>; model?: string; randomSeed?: number } {
  const provided = options.providerOptions ?? {};
  for (const key of Object.keys(provided)) {
    if (key !== 'detour') warnings.push({ type: 'unsupported', feature: `providerOptions.${key}`, details: 'detour picks the provider per call: put per-model settings in the policy (`params`)' });
  }
  const own = provided['detour'];
  if (own === undefined) return {};
  return {
    ...(isRecord(own['metadata']) ? { metadata: own['metadata'] } : {}),
    ...(typeof own['model'] === 'string' ? { model: own['model'] } : {}),
    ...(typeof own['randomSeed'] === 'number' ? { randomSeed: own['randomSeed'] } : {}),
  };
}

/**
 * The detour request for one AI SDK call.
 *
 * @example
 * const { request, warnings } = toDetourRequest(callOptions, { policy: 'chat' })
 * const result = await executor.generate(request)
 */
export function toDetourRequest(options: LanguageModelV4CallOptions, settings: DetourModelSettings): MappedCall {
  const warnings: SharedV4Warning[] = [];
  const messages = fromAiSdkPrompt(options.prompt, warnings);
  const features: { -readonly [Key in keyof RequestFeatures]: RequestFeatures[Key] } = {};
  if (options.tools !== undefined && options.tools.length > 0) features.tools = toolsOf(options.tools, warnings);
  if (options.toolChoice !== undefined && (features.tools !== undefined || options.toolChoice.type === 'none')) features.toolChoice = toolChoiceOf(options.toolChoice);
  const format = options.responseFormat;
  if (format?.type === 'json') {
    features.responseFormat = { type: 'json', ...(format.schema === undefined ? {} : { schema: format.schema as JSONSchema }), ...(format.name === undefined ? {} : { name: format.name }) };
  }
  if (options.reasoning !== undefined) {
    const reasoning = reasoningOf(options.reasoning, warnings);
    if (reasoning !== undefined) features.reasoning = reasoning;
  }
  // `x-detour-metadata-*` headers are request facts, as at the gateway. The AI SDK adds its own `user-agent` to
  // every call: only the caller's other headers deserve a warning.
  const headerMetadata = metadataFromHeaders(options.headers ?? {});
  const unsent = Object.entries(options.headers ?? {}).filter(
    ([name, value]) => value !== undefined && name.toLowerCase() !== 'user-agent' && !name.toLowerCase().startsWith(METADATA_HEADER_PREFIX),
  );
  if (unsent.length > 0) {
    warnings.push({ type: 'unsupported', feature: 'headers', details: 'per-call headers are not sent to providers (x-detour-metadata-* headers become request facts); set provider headers in provider_config.headers' });
  }
  const own = detourOptions(options, warnings);
  const metadata =
    headerMetadata === null && own.metadata === undefined ? settings.metadata : { ...settings.metadata, ...headerMetadata, ...own.metadata };
  const params = paramsOf(options);
  const request: GenerateOptions = {
    policy: settings.policy,
    messages,
    ...features,
    ...(params === undefined ? {} : { params }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(own.model === undefined ? {} : { model: own.model }),
    ...(own.randomSeed === undefined ? {} : { randomSeed: own.randomSeed }),
    ...(options.abortSignal === undefined ? {} : { signal: options.abortSignal }),
  };
  return { request, warnings };
}
