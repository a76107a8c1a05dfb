/**
 * Which version of the GenAI semantic conventions the hooks emit. The
 * conventions' own transition rule: an instrumentation keeps the version it
 * emitted by default (for detour, v1.41, the last one published in
 * open-telemetry/semantic-conventions) and emits only the latest experimental
 * names, none of the old ones, when `OTEL_SEMCONV_STABILITY_OPT_IN` lists
 * `gen_ai_latest_experimental`.
 */

/**
 * `'v1.41'`: the names of semantic conventions v1.41. `'latest'`: the latest
 * experimental names of the semantic-conventions-genai repository.
 */
export type SemanticConventions = 'v1.41' | 'latest';

/** The `OTEL_SEMCONV_STABILITY_OPT_IN` value that asks for the latest GenAI names. */
export const LATEST_EXPERIMENTAL_OPT_IN = 'gen_ai_latest_experimental';

/**
 * The conventions `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma-separated list)
 * asks for.
 *
 * @example
 * conventionsFromEnvironment({ OTEL_SEMCONV_STABILITY_OPT_IN: 'http, gen_ai_latest_experimental' }) // 'latest'
 * conventionsFromEnvironment({}) // 'v1.41'
 */
export function conventionsFromEnvironment(environment: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {}): SemanticConventions {
  const optIn = environment['OTEL_SEMCONV_STABILITY_OPT_IN'];
  if (optIn === undefined || optIn === '') return 'v1.41';
  return optIn.split(',').some((entry) => entry.trim() === LATEST_EXPERIMENTAL_OPT_IN) ? 'latest' : 'v1.41';
}
