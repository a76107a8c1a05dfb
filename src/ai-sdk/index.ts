/**
 * `detour-llm/ai-sdk`: detour inside the Vercel AI SDK. `detourModel` is a
 * language model that runs a policy on every call; `AiSdkLanguageModel` is
 * what `createExecutor({ models })` takes to use AI SDK models as backends
 * (`provider: ai_sdk` in a policy).
 */
export { detourModel } from './detourModel.js';
export type { DetourModelExecutor, DetourModelOptions } from './detourModel.js';
export type { StreamRestart } from './sessionMetadata.js';
export type { AiSdkLanguageModel } from '../providers/ai-sdk/ai-sdk-adapter.js';
