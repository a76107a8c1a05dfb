/**
 * What a model can serve beyond text, as a policy declares it (`capabilities`
 * on a model) or as its provider type does by default.
 */
import type { Message, ProviderType, RequestFeatures } from './spec.js';

export const MODEL_CAPABILITIES = ['tools', 'images', 'files', 'json_schema', 'reasoning'] as const;

export type ModelCapability = (typeof MODEL_CAPABILITIES)[number];

/**
 * Each provider type's capabilities when a model declares none. The three
 * vendors' current models take everything; an OpenAI-compatible server is
 * only assumed to take tools and JSON schemas (declare the rest per model).
 * Bedrock's Converse API carries all five; a model that lacks one (JSON
 * schemas and reasoning are per model there) declares its own list.
 */
export const DEFAULT_CAPABILITIES: Readonly<Record<ProviderType, readonly ModelCapability[]>> = {
  openai: MODEL_CAPABILITIES,
  anthropic: MODEL_CAPABILITIES,
  google: MODEL_CAPABILITIES,
  openai_compatible: ['tools', 'json_schema'],
  bedrock: MODEL_CAPABILITIES,
  ai_sdk: MODEL_CAPABILITIES,
  azure_openai: MODEL_CAPABILITIES,
  vertex: MODEL_CAPABILITIES,
};

/** What a request carries beyond text: the `request.*` facts and the capabilities it needs. */
export interface RequestShape {
  readonly hasTools: boolean;
  readonly hasImages: boolean;
  readonly hasFiles: boolean;
  /** `text`, `json` (JSON mode) or `json_schema`; null when the request says nothing. */
  readonly responseFormat: 'text' | 'json' | 'json_schema' | null;
  /** The reasoning effort asked for (`budget` for a bare token budget), or null. */
  readonly reasoning: 'low' | 'medium' | 'high' | 'budget' | null;
}

export const TEXT_REQUEST: RequestShape = { hasTools: false, hasImages: false, hasFiles: false, responseFormat: null, reasoning: null };

/**
 * Read a request's shape: tools offered or used in the history, image and
 * file parts, the response format and reasoning.
 *
 * @example
 * requestShape({ tools: [weatherTool] }, messages).hasTools // true
 */
export function requestShape(features: RequestFeatures, messages: readonly Message[]): RequestShape {
  let hasTools = features.tools !== undefined && features.tools.length > 0;
  let hasImages = false;
  let hasFiles = false;
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'image') hasImages = true;
      else if (part.type === 'file') hasFiles = true;
      else if (part.type === 'tool-call' || part.type === 'tool-result') hasTools = true;
    }
  }
  const format = features.responseFormat;
  const responseFormat = format === undefined ? null : format.type === 'text' ? 'text' : format.schema === undefined ? 'json' : 'json_schema';
  const reasoning = features.reasoning === undefined ? null : (features.reasoning.effort ?? 'budget');
  if (!hasTools && !hasImages && !hasFiles && responseFormat === null && reasoning === null) return TEXT_REQUEST;
  return { hasTools, hasImages, hasFiles, responseFormat, reasoning };
}

/** The capabilities a request of this shape needs. */
export function neededCapabilities(shape: RequestShape): readonly ModelCapability[] {
  if (shape === TEXT_REQUEST) return [];
  const needed: ModelCapability[] = [];
  if (shape.hasTools) needed.push('tools');
  if (shape.hasImages) needed.push('images');
  if (shape.hasFiles) needed.push('files');
  if (shape.responseFormat === 'json_schema') needed.push('json_schema');
  if (shape.reasoning !== null) needed.push('reasoning');
  return needed;
}

/**
 * Why a model with `capabilities` cannot serve a request needing `needed`, or null.
 *
 * @example
 * missingCapabilities(['tools'], ['tools', 'images']) // 'the request needs images; the model declares tools'
 */
export function missingCapabilities(capabilities: readonly ModelCapability[], needed: readonly ModelCapability[]): string | null {
  const missing = needed.filter((capability) => !capabilities.includes(capability));
  if (missing.length === 0) return null;
  return `the request needs ${missing.join(', ')}; the model declares ${capabilities.length === 0 ? 'none' : capabilities.join(', ')}`;
}
