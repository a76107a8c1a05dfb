/**
 * One detour request as the call options of an AI SDK language model's
 * `doGenerate` / `doStream`.
 */
import type { JSONSchema7, LanguageModelV4CallOptions, LanguageModelV4ToolChoice } from '@ai-sdk/provider';
import type { GenerateRequest, ReasoningOptions, ToolChoice } from '../spec.js';
import { toAiSdkPrompt } from './prompt.js';

function toolChoiceOf(choice: ToolChoice): LanguageModelV4ToolChoice {
  return typeof choice === 'string' ? { type: choice } : { type: 'tool', toolName: choice.name };
}

/** detour's effort as the AI SDK's (the spec has no token budget: a bare budget asks for the provider's default). */
function reasoningOf(reasoning: ReasoningOptions): NonNullable<LanguageModelV4CallOptions['reasoning']> {
  return reasoning.effort ?? 'provider-default';
}

/**
 * The call options for `request`: the prompt, sampling parameters, tools,
 * tool choice, JSON output and reasoning. `extra` (params the catalog or the
 * caller passed through) goes in `providerOptions` under `providerKey`, the
 * first segment of the model's `provider` (`openai.chat` → `openai`).
 *
 * @example
 * toCallOptions({ model: 'm', messages, maxTokens: 100 }, 'openai', signal)
 */
export function toCallOptions(request: GenerateRequest, providerKey: string, abortSignal: AbortSignal | undefined): LanguageModelV4CallOptions {
  const options: LanguageModelV4CallOptions = { prompt: toAiSdkPrompt(request.messages) };
  if (request.maxTokens !== undefined) options.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.topP = request.topP;
  if (request.stop !== undefined) options.stopSequences = [...request.stop];
  if (request.tools !== undefined && request.tools.length > 0) {
    options.tools = request.tools.map((tool) => ({
      type: 'function' as const,
      name: tool.name,
      inputSchema: tool.parameters as JSONSchema7,
      ...(tool.description === undefined ? {} : { description: tool.description }),
    }));
  }
  if (request.toolChoice !== undefined) options.toolChoice = toolChoiceOf(request.toolChoice);
  const format = request.responseFormat;
  if (format !== undefined) {
    options.responseFormat =
      format.type === 'json'
        ? { type: 'json', ...(format.schema === undefined ? {} : { schema: format.schema as JSONSchema7 }), ...(format.name === undefined ? {} : { name: format.name }) }
        : { type: 'text' };
  }
  if (request.reasoning !== undefined) options.reasoning = reasoningOf(request.reasoning);
  const extra: Record<string, unknown> = { ...request.extra };
  if (request.parallelToolCalls !== undefined) extra['parallelToolCalls'] = request.parallelToolCalls;
  if (Object.keys(extra).length > 0) options.providerOptions = { [providerKey]: extra as never };
  if (abortSignal !== undefined) options.abortSignal = abortSignal;
  return options;
}
