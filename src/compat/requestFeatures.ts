/**
 * The seed API's `parameters` bag carries tools and response formats too: in
 * detour's shape (`tools`, `toolChoice`, `responseFormat`, `reasoning`,
 * `parallelToolCalls`) or in OpenAI's wire shape (`tool_choice`,
 * `response_format`, `{ type: 'function', function: {…} }` tools,
 * `reasoning_effort`, `parallel_tool_calls`). They are taken out of the bag
 * and passed as request features, so every provider gets them translated.
 */
import type { JSONSchema, ReasoningOptions, RequestFeatures, ResponseFormat, Tool, ToolChoice } from '../providers/spec.js';

const FEATURE_KEYS: ReadonlySet<string> = new Set([
  'tools',
  'toolChoice',
  'tool_choice',
  'responseFormat',
  'response_format',
  'reasoning',
  'reasoning_effort',
  'parallelToolCalls',
  'parallel_tool_calls',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toolOf(value: unknown): Tool | null {
  if (!isRecord(value)) return null;
  const source = value['type'] === 'function' && isRecord(value['function']) ? value['function'] : value;
  if (typeof source['name'] !== 'string') return null;
  const parameters = isRecord(source['parameters']) ? (source['parameters'] as JSONSchema) : { type: 'object', properties: {} };
  return { name: source['name'], ...(typeof source['description'] === 'string' ? { description: source['description'] } : {}), parameters };
}

function toolChoiceOf(value: unknown): ToolChoice | undefined {
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (!isRecord(value)) return undefined;
  if (typeof value['name'] === 'string') return { name: value['name'] };
  const fn = value['function'];
  return isRecord(fn) && typeof fn['name'] === 'string' ? { name: fn['name'] } : undefined;
}

function responseFormatOf(value: unknown): ResponseFormat | undefined {
  if (!isRecord(value)) return undefined;
  switch (value['type']) {
    case 'text':
      return { type: 'text' };
    case 'json':
    case 'json_object':
      return {
        type: 'json',
        ...(isRecord(value['schema']) ? { schema: value['schema'] as JSONSchema } : {}),
        ...(typeof value['name'] === 'string' ? { name: value['name'] } : {}),
      };
    case 'json_schema': {
      const wrapped = isRecord(value['json_schema']) ? value['json_schema'] : value;
      return {
        type: 'json',
        ...(isRecord(wrapped['schema']) ? { schema: wrapped['schema'] as JSONSchema } : {}),
        ...(typeof wrapped['name'] === 'string' ? { name: wrapped['name'] } : {}),
      };
    }
    default:
      return undefined;
  }
}

function reasoningOf(value: unknown, effort: unknown): ReasoningOptions | undefined {
  const level = (candidate: unknown): ReasoningOptions['effort'] | undefined =>
    candidate === 'low' || candidate === 'medium' || candidate === 'high' ? candidate : undefined;
  if (isRecord(value)) {
    const given = level(value['effort']);
    const budget = value['budgetTokens'] ?? value['budget_tokens'];
    return { ...(given === undefined ? {} : { effort: given }), ...(typeof budget === 'number' ? { budgetTokens: budget } : {}) };
  }
  const given = level(value) ?? level(effort);
  return given === undefined ? undefined : { effort: given };
}

/**
 * Split `parameters` into generation parameters (the rest of the bag) and request features.
 *
 * @example
 * splitFeatures({ max_tokens: 100, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }], tool_choice: 'required' })
 * // { parameters: { max_tokens: 100 }, features: { tools: [{ name: 'f', parameters: {} }], toolChoice: 'required' } }
 */
export function splitFeatures(parameters: Readonly<Record<string, unknown>>): { parameters: Readonly<Record<string, unknown>>; features: RequestFeatures } {
  let hasFeature = false;
  for (const key of Object.keys(parameters)) {
    if (FEATURE_KEYS.has(key)) {
      hasFeature = true;
      break;
    }
  }
  if (!hasFeature) return { parameters, features: {} };
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) if (!FEATURE_KEYS.has(key)) rest[key] = value;
  const tools = Array.isArray(parameters['tools']) ? parameters['tools'].map(toolOf).filter((tool): tool is Tool => tool !== null) : undefined;
  const toolChoice = toolChoiceOf(parameters['toolChoice'] ?? parameters['tool_choice']);
  const responseFormat = responseFormatOf(parameters['responseFormat'] ?? parameters['response_format']);
  const reasoning = reasoningOf(parameters['reasoning'], parameters['reasoning_effort']);
  const parallel = parameters['parallelToolCalls'] ?? parameters['parallel_tool_calls'];
  return {
    parameters: rest,
    features: {
      ...(tools === undefined ? {} : { tools }),
      ...(toolChoice === undefined ? {} : { toolChoice }),
      ...(responseFormat === undefined ? {} : { responseFormat }),
      ...(reasoning === undefined ? {} : { reasoning }),
      ...(typeof parallel === 'boolean' ? { parallelToolCalls: parallel } : {}),
    },
  };
}
