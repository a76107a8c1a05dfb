/**
 * detour as a Vercel AI SDK language model: every `generateText`,
 * `streamText`, `generateObject` or agent step runs one policy through an
 * executor (its rules, fallbacks, cooldowns, traces).
 */
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4GenerateResult, LanguageModelV4StreamResult } from '@ai-sdk/provider';
import type { Executor } from '../executor/Executor.js';
import { toAiSdkContent, toAiSdkFinishReason, toAiSdkUsage } from '../providers/ai-sdk/result.js';
import { toDetourRequest, type DetourModelSettings } from './callOptions.js';
import { sessionMetadata } from './sessionMetadata.js';
import { toStreamParts } from './streamParts.js';

/** What `detourModel` needs of an executor (an `Executor` is one). */
export type DetourModelExecutor = Pick<Executor, 'generate' | 'stream'>;

export interface DetourModelOptions {
  /** The policy's `name`: every call runs it. */
  readonly policy: string;
  /**
   * Request facts for routes and rules (`request.metadata.*`) on every call;
   * a call adds its own with `providerOptions: { detour: { metadata } }`.
   */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

// None: the policy picks the provider per call, and some take no URLs (Bedrock wants the bytes),
// so the AI SDK downloads every URL first and each adapter gets the bytes.
const SUPPORTED_URLS: Record<string, RegExp[]> = {};

class DetourLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4' as const;
  readonly provider = 'detour';
  readonly modelId: string;
  readonly supportedUrls = SUPPORTED_URLS;
  readonly #executor: DetourModelExecutor;
  readonly #settings: DetourModelSettings;

  constructor(executor: DetourModelExecutor, settings: DetourModelSettings) {
    this.#executor = executor;
    this.#settings = settings;
    this.modelId = settings.policy;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { request, warnings } = toDetourRequest(options, this.#settings);
    const result = await this.#executor.generate(request);
    return {
      content: toAiSdkContent(result.content),
      finishReason: toAiSdkFinishReason(result.finishReason),
      usage: toAiSdkUsage(result.usage),
      providerMetadata: sessionMetadata(result),
      response: { modelId: result.response.responseModel ?? result.model, ...(result.response.responseId === null ? {} : { id: result.response.responseId }) },
      warnings,
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { request, warnings } = toDetourRequest(options, this.#settings);
    return { stream: toStreamParts(this.#executor.stream(request), warnings) };
  }
}

/**
 * A language model for the Vercel AI SDK (`ai`) that runs `policy` through
 * `executor` on every call. Tools, tool choice, JSON output (with a schema),
 * reasoning effort, images and files, sampling parameters and the abort
 * signal go to whichever model the policy picks; the answer comes back with
 * its tool calls, reasoning, finish reason and usage, and
 * `providerMetadata.detour` tells which models were tried and why.
 *
 * A session that fails rejects (or ends the stream) with `LLMFallbackError`
 * as it is, listing every attempt; the AI SDK does not retry it (it retries
 * only its own `APICallError`s).
 *
 * @example
 * import { generateText } from 'ai'
 * import { detourModel } from 'detour-llm/ai-sdk'
 *
 * const executor = await createExecutor({ policies: './policies' })
 * const { text, providerMetadata } = await generateText({
 *   model: detourModel(executor, { policy: 'chat', metadata: { tier: 'free' } }),
 *   prompt: 'Summarise this ticket',
 * })
 */
export function detourModel(executor: DetourModelExecutor, options: DetourModelOptions): LanguageModelV4 {
  if (typeof options?.policy !== 'string' || options.policy === '') throw new TypeError('detourModel(executor, { policy }) needs the name of a policy');
  return new DetourLanguageModel(executor, { policy: options.policy, ...(options.metadata === undefined ? {} : { metadata: options.metadata }) });
}
