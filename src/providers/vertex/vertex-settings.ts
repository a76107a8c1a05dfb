/**
 * A `vertex` provider's own settings (`provider_config` keys `project`,
 * `location`), how they are resolved at first use (the environment fills
 * what the policy leaves out; what is still missing is a one-line error
 * naming it), and which publisher's API a model id is served through.
 */
import { ProviderCallError } from '../../errors/ProviderCallError.js';
import { detourFact } from '../call-error.js';

export interface VertexSettings {
  /** The Google Cloud project id; null: `GOOGLE_CLOUD_PROJECT` (or `ANTHROPIC_VERTEX_PROJECT_ID`). */
  readonly project: string | null;
  /** The region (`us-central1`, `europe-west4`) or `global`; null: `GOOGLE_CLOUD_LOCATION` (or `CLOUD_ML_REGION`). */
  readonly location: string | null;
}

export interface ResolvedVertex {
  readonly project: string;
  readonly location: string;
}

/** Where the project and the location are read from when the policy does not set them, in order. */
export const VERTEX_PROJECT_ENV = ['GOOGLE_CLOUD_PROJECT', 'ANTHROPIC_VERTEX_PROJECT_ID'] as const;
export const VERTEX_LOCATION_ENV = ['GOOGLE_CLOUD_LOCATION', 'CLOUD_ML_REGION'] as const;

/**
 * The publisher whose API serves a Vertex model: Anthropic's (`claude-*`,
 * through `@anthropic-ai/vertex-sdk`), else Google's (Gemini and the other
 * Google models, through `@google/genai` in Vertex mode).
 *
 * @example
 * vertexPublisher('claude-sonnet-4@20250514') // 'anthropic'
 * vertexPublisher('gemini-2.5-flash')         // 'google'
 */
export function vertexPublisher(modelId: string): 'anthropic' | 'google' {
  return /^(publishers\/anthropic\/models\/)?claude-/i.test(modelId) ? 'anthropic' : 'google';
}

function firstSet(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): string | null {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return null;
}

/**
 * The project and location for a `vertex` provider: the policy's, else the environment's.
 *
 * @throws ProviderCallError kind `invalid_request`, code `missing_project` or `missing_location`
 *
 * @example
 * resolveVertex('vertex', { project: null, location: 'us-east5' }, { GOOGLE_CLOUD_PROJECT: 'acme' })
 * // → { project: 'acme', location: 'us-east5' }
 */
export function resolveVertex(providerName: string, settings: VertexSettings | undefined, env: Readonly<Record<string, string | undefined>>): ResolvedVertex {
  const project = settings?.project ?? firstSet(env, VERTEX_PROJECT_ENV);
  if (project === null) {
    throw new ProviderCallError(
      detourFact('invalid_request', `provider ${providerName} (vertex) needs a Google Cloud project: set \`project:\` in provider_config, or GOOGLE_CLOUD_PROJECT`, 'vertex', {
        code: 'missing_project',
      }),
    );
  }
  const location = settings?.location ?? firstSet(env, VERTEX_LOCATION_ENV);
  if (location === null) {
    throw new ProviderCallError(
      detourFact(
        'invalid_request',
        `provider ${providerName} (vertex) needs a location: set \`location:\` (e.g. us-central1 or global) in provider_config, or GOOGLE_CLOUD_LOCATION`,
        'vertex',
        { code: 'missing_location' },
      ),
    );
  }
  return { project, location };
}

/** Vertex AI's endpoint for a location (`global` and the multi-regions have their own hosts). */
export function vertexEndpoint(location: string | null): string {
  if (location === null || location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}
