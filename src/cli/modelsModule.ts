/**
 * `detour serve --models <module>`: the AI SDK language models that policy
 * models with `provider: ai_sdk` call, from a JavaScript module of the
 * service's own (the gateway cannot build them from YAML: each AI SDK
 * provider package has its own factory and settings).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AiSdkLanguageModel } from '../providers/ai-sdk/ai-sdk-adapter.js';
import { CliError } from './CliError.js';

const EXAMPLE = "export default { 'mistral-large': createMistral()('mistral-large-latest') }";

function isLanguageModel(value: unknown): value is AiSdkLanguageModel {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Record<string, unknown>;
  return typeof model['doGenerate'] === 'function' && typeof model['doStream'] === 'function' && typeof model['specificationVersion'] === 'string';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 5).map((key) => `\`${key}\``).join(', ')}${keys.length > 5 ? ', …' : ''}`;
}

/**
 * Import `path` (relative to the working directory) and return its models:
 * the module's `models` export, else its default export, a record of names
 * to AI SDK language models (`LanguageModelV4`).
 *
 * @throws CliError one line saying what the module is missing.
 *
 * @example
 * const models = await loadModelsModule('./models.mjs'); // { 'mistral-large': LanguageModelV4 }
 */
export async function loadModelsModule(path: string): Promise<Readonly<Record<string, AiSdkLanguageModel>>> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`--models ${path}: could not load it: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
  const models = module['models'] ?? module['default'];
  if (typeof models !== 'object' || models === null || Array.isArray(models) || Object.keys(models).length === 0) {
    throw new CliError(`--models ${path}: export the models by name, as \`models\` or the default export (${EXAMPLE}); it exports ${describe(models)}`);
  }
  for (const [name, model] of Object.entries(models)) {
    if (!isLanguageModel(model)) {
      throw new CliError(`--models ${path}: \`${name}\` is not an AI SDK language model (an object with specificationVersion, doGenerate and doStream, as an AI SDK provider package makes); it is ${describe(model)}`);
    }
  }
  return models as Readonly<Record<string, AiSdkLanguageModel>>;
}
