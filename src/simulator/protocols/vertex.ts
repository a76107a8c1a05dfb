/**
 * Vertex AI's two publishers, as `{location}-aiplatform.googleapis.com/v1`
 * serves them under `/projects/{project}/locations/{location}/publishers/…`:
 * Gemini (`google/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse`, the Gemini API's wire format) and Claude
 * (`anthropic/models/{model}:rawPredict` and `:streamRawPredict`, Anthropic's
 * Messages format with the model in the URL and `anthropic_version:
 * vertex-2023-10-16` in the body). Errors come in Vertex's own shapes.
 */
import { anthropicProtocol } from './anthropic.js';
import { googleProtocol } from './google.js';
import { isRecord, type WireProtocol } from './types.js';

/** The `anthropic_version` Claude on Vertex AI requires in every body. */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

export const vertexGeminiProtocol: WireProtocol = { ...googleProtocol, provider: 'vertex' };

export const vertexAnthropicProtocol: WireProtocol = {
  ...anthropicProtocol,
  provider: 'vertex_anthropic',
  readRequest(body, urlModel, urlStream) {
    if (!isRecord(body)) return 'the request body must be a JSON object';
    if (body['anthropic_version'] !== VERTEX_ANTHROPIC_VERSION) return `anthropic_version: must be ${VERTEX_ANTHROPIC_VERSION} on Vertex AI`;
    if (body['model'] !== undefined) return 'model: Extra inputs are not permitted (on Vertex AI the model is in the URL)';
    if (urlModel === null || urlModel === '') return 'the model is required in the URL: …/publishers/anthropic/models/{model}:rawPredict';
    if (urlStream !== (body['stream'] === true)) return `stream: ${urlStream ? 'streamRawPredict needs "stream": true' : 'rawPredict takes no "stream": true (use streamRawPredict)'}`;
    return anthropicProtocol.readRequest({ ...body, model: urlModel }, null, urlStream);
  },
};
