/**
 * Test helpers: policies from YAML text, and in-memory fake adapters whose
 * behaviour each test scripts (end-to-end tests use the real SDKs instead).
 */
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import { ERROR_TYPES, RETRYABLE_KINDS } from '../../src/errors/kinds.js';
import type { ErrorFact, ErrorKind } from '../../src/errors/kinds.js';
import { parsePolicy } from '../../src/policy/load.js';
import { createPolicySet } from '../../src/policy/set.js';
import type { Policy, PolicySet } from '../../src/policy/types.js';
import type { AdapterSource } from '../../src/providers/factory.js';
import type { CallControl } from '../../src/providers/call-control.js';
import type { ProviderCatalog } from '../../src/providers/catalog.js';
import type { CallOptions, GenerateRequest, GenerateResponse, ProviderAdapter, StreamPart } from '../../src/providers/spec.js';

export function policyFrom(yaml: string): Policy {
  const result = parsePolicy(yaml, 'test.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return result.policy;
}

export function setOf(...policies: Policy[]): PolicySet {
  return createPolicySet(policies);
}

export function fact(kind: ErrorKind, extra: Partial<ErrorFact> = {}): ErrorFact {
  return { kind, type: ERROR_TYPES[kind], status: null, code: null, message: kind, retryAfterMs: null, retryable: RETRYABLE_KINDS.has(kind), provider: 'openai', sdkError: null, ...extra };
}

export function response(text: string): GenerateResponse {
  return { text, content: text === '' ? [] : [{ type: 'text', text }], toolCalls: [], reasoning: null, finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 1, outputTokens: 1 }, responseModel: null, responseId: null };
}

/** One scripted call: answer, fail, or wait for the signal (hang). */
export type Step =
  | { readonly answer: string; readonly chunks?: readonly string[]; readonly breakAfter?: number; readonly error?: never }
  | { readonly error: ErrorFact; readonly answer?: never }
  | { readonly hang: true; readonly answer?: never; readonly error?: never }
  | { readonly delay: number; readonly then: Step };

export interface CallLog {
  readonly model: string;
  readonly signal: AbortSignal | undefined;
  readonly timeout: number | undefined;
  /** The attempt's control, when the executor made one. */
  readonly control: CallControl | undefined;
  aborted: boolean;
}

/** Fake adapters by model key; each call takes the next step of the model's script (the last repeats). */
export class FakeFactory implements AdapterSource {
  readonly calls: CallLog[] = [];
  private readonly adapters = new Map<string, ProviderAdapter>();
  private readonly used = new Map<string, number>();

  constructor(private readonly scripts: Record<string, readonly Step[]>) {}

  callsTo(model: string): number {
    return this.calls.filter((call) => call.model === model).length;
  }

  getAdapter(policy: ProviderCatalog, modelName: string): ProviderAdapter {
    let adapter = this.adapters.get(modelName);
    if (adapter) return adapter;
    const config = policy.models[modelName];
    const nextStep = (): Step => {
      const script = this.scripts[modelName] ?? [{ answer: `answer from ${modelName}` }];
      const index = this.used.get(modelName) ?? 0;
      this.used.set(modelName, index + 1);
      return script[Math.min(index, script.length - 1)]!;
    };
    const log = (options: CallOptions | undefined): CallLog => {
      const entry: CallLog = { model: modelName, signal: options?.signal, timeout: options?.timeout, control: options?.control, aborted: false };
      options?.signal?.addEventListener('abort', () => (entry.aborted = true), { once: true });
      this.calls.push(entry);
      return entry;
    };
    adapter = {
      specificationVersion: 'v2',
      provider: config?.provider ?? 'openai',
      providerType: 'openai',
      modelId: config?.model ?? modelName,
      serverAddress: null,
      serverPort: null,
      generate: async (_request: GenerateRequest, options?: CallOptions) => {
        log(options);
        return run(nextStep(), options?.signal);
      },
      stream: (_request: GenerateRequest, options?: CallOptions): AsyncIterable<StreamPart> => {
        log(options);
        return streamStep(nextStep(), options?.signal);
      },
    };
    this.adapters.set(modelName, adapter);
    return adapter;
  }
}

function abortedError(): ProviderCallError {
  return new ProviderCallError(fact('aborted'));
}

function waitFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(abortedError());
    }, { once: true });
  });
}

async function run(step: Step, signal: AbortSignal | undefined): Promise<GenerateResponse> {
  if ('delay' in step) {
    await waitFor(step.delay, signal);
    return run(step.then, signal);
  }
  if ('hang' in step) {
    await waitFor(2 ** 30, signal);
    throw new Error('unreachable');
  }
  if (step.error) throw new ProviderCallError(step.error);
  return response(step.answer!);
}

async function* streamStep(step: Step, signal: AbortSignal | undefined): AsyncGenerator<StreamPart> {
  if ('delay' in step) {
    await waitFor(step.delay, signal);
    yield* streamStep(step.then, signal);
    return;
  }
  if ('hang' in step) {
    await waitFor(2 ** 30, signal);
    return;
  }
  if (step.error) throw new ProviderCallError(step.error);
  const chunks = step.chunks ?? [step.answer!];
  let text = '';
  for (let index = 0; index < chunks.length; index++) {
    if (step.breakAfter !== undefined && index === step.breakAfter) {
      throw new ProviderCallError(fact('stream_interrupted'), { partialText: text });
    }
    await Promise.resolve();
    if (signal?.aborted) throw abortedError();
    text += chunks[index]!;
    yield { type: 'text-delta', text: chunks[index]! };
  }
  yield { type: 'finish', response: response(text) };
}

export const BASE_POLICY = `
version: 1
name: default
models:
  a: { provider: openai }
  b: { provider: openai }
  c: { provider: openai }
primary_model: a
fallback_models: [b, c]
max_attempts: 3
base_delay: 0
jitter: false
`;
