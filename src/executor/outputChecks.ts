/**
 * Result-based fallback: the checks a 200 answer passes before it counts as
 * the session's answer (policy `output_checks`), and which cut-short answers
 * a policy returns instead of failing over (policy `accept`).
 */
import type { Ajv2020 as AjvInstance, ValidateFunction } from 'ajv/dist/2020.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { requireOnFirstUse } from '../load-on-use.js';
import { classifyResponse } from '../errors/response.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { OutputAccept, OutputCheck } from '../policy/types.js';
import type { GenerateResponse, JSONSchema, RequestFeatures } from '../providers/spec.js';

// ajv is loaded when a first answer is checked against a schema, not with detour.
const ajv2020 = requireOnFirstUse<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js');
let ajvInstance: AjvInstance | undefined;
function ajv(): AjvInstance {
  return (ajvInstance ??= new (ajv2020().Ajv2020)({ strict: false, allErrors: false, validateFormats: false }));
}
const validators = new WeakMap<object, ValidateFunction | null>();

/** The compiled schema, or null when it does not compile (then it is not checked). */
function validatorOf(schema: JSONSchema): ValidateFunction | null {
  let validate = validators.get(schema);
  if (validate === undefined) {
    try {
      const { $schema: _dialect, ...rest } = schema as Record<string, unknown>;
      validate = ajv().compile(rest);
    } catch {
      validate = null;
    }
    validators.set(schema, validate);
  }
  return validate;
}

function schemaProblem(schema: JSONSchema, value: unknown): string | null {
  const validate = validatorOf(schema);
  if (validate === null || validate(value)) return null;
  return ajv().errorsText(validate.errors, { dataVar: 'answer' }).slice(0, 300);
}

/** JSON text, with a Markdown code fence around it tolerated. */
function parseJson(text: string): { readonly value: unknown } | null {
  let body = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(body);
  if (fenced !== null) body = fenced[1] ?? '';
  try {
    return { value: JSON.parse(body) as unknown };
  } catch {
    return null;
  }
}

function invalid(provider: string, message: string): ErrorFact {
  return classifyResponse(provider, { finishReasonRaw: null, invalidOutput: message })!;
}

/**
 * The first check `response` fails, as an ErrorFact (`refusal`,
 * `empty_response` or `invalid_output`), or null when it passes them all.
 *
 * @example
 * checkOutput(response, { responseFormat: { type: 'json', schema } }, ['empty', 'json_schema'], 'openai')?.kind // 'invalid_output'
 */
export function checkOutput(response: GenerateResponse, request: RequestFeatures, checks: readonly OutputCheck[], provider: string): ErrorFact | null {
  if (checks.length === 0) return null;
  if (checks.includes('refusal') && typeof response.refusal === 'string' && response.refusal !== '') {
    return classifyResponse(provider, { finishReasonRaw: null, refusal: response.refusal });
  }
  const toolCalls = response.toolCalls;
  if (checks.includes('empty') && toolCalls.length === 0 && response.text.trim() === '') {
    return classifyResponse(provider, { finishReasonRaw: response.finishReason.raw, empty: true });
  }
  const format = request.responseFormat;
  if (checks.includes('json_schema') && format !== undefined && format.type === 'json' && !(toolCalls.length > 0 && response.text.trim() === '')) {
    const parsed = parseJson(response.text);
    if (parsed === null) return invalid(provider, 'the answer is not valid JSON');
    if (format.schema !== undefined) {
      const problem = schemaProblem(format.schema, parsed.value);
      if (problem !== null) return invalid(provider, `the answer does not fit the response schema: ${problem}`);
    }
  }
  if (checks.includes('tool_arguments') && toolCalls.length > 0) {
    for (const call of toolCalls) {
      const tool = request.tools?.find((candidate) => candidate.name === call.name);
      if (tool === undefined) return invalid(provider, `the model called ${JSON.stringify(call.name)}, which is not one of the request's tools`);
      if (typeof call.arguments === 'string') return invalid(provider, `the arguments of ${call.name} (${call.id}) are not valid JSON`);
      const problem = schemaProblem(tool.parameters, call.arguments);
      if (problem !== null) return invalid(provider, `the arguments of ${call.name} (${call.id}) do not fit its schema: ${problem.replace(/^answer/, 'arguments')}`);
    }
  }
  return null;
}

/**
 * The answer a failed attempt carries when the policy accepts its kind (a
 * filtered 200 under `accept: [content_filter]`), else null.
 */
export function acceptedAnswer(error: unknown, accept: readonly OutputAccept[]): GenerateResponse | null {
  if (!accept.includes('content_filter') || !ProviderCallError.isInstance(error) || error.fact.kind !== 'content_filter') return null;
  return (error.response as GenerateResponse | null) ?? null;
}

/**
 * A length-cut answer the policy does not accept: `token_limit` (the
 * policy's `accept` leaves `length` out), else null.
 */
export function unacceptedCut(response: GenerateResponse, accept: readonly OutputAccept[], provider: string): ErrorFact | null {
  if (response.finishReason.unified !== 'length' || accept.includes('length')) return null;
  return classifyResponse(provider, { finishReasonRaw: response.finishReason.raw ?? 'length' });
}
