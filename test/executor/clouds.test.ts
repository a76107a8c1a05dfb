/**
 * A policy that falls back from Azure OpenAI to Vertex AI, end to end: the
 * executor, the factory, the real `openai` (AzureOpenAI), `@google/genai`
 * (Vertex mode) and `@anthropic-ai/vertex-sdk` clients over real HTTP to the
 * simulator's Azure and Vertex routes. Only the credentials are stubbed: an
 * Azure key in the environment and a google-auth-library client holding a
 * fixed token (the simulator refuses calls that carry none).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Executor } from '../../src/executor/Executor.js';
import type { ExecutorStreamEvent } from '../../src/executor/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { testGoogleAuthClient } from '../providers/subjects.js';
import { policyFrom, setOf } from './support.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ recordRequests: true });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  await sim.setScenario({ models: {} });
  sim.reset();
});

function cloudPolicy(root: string): string {
  return `version: 1
name: clouds
provider_config:
  azure:  { type: azure_openai, endpoint: "${root}", api_version: 2024-10-21 }
  vertex: { type: vertex, project: acme-prod, location: us-east5, base_url: "${root}" }
models:
  gpt-4o-azure:  { provider: azure, model: gpt4o-prod }
  gemini-vertex: { provider: vertex, model: gemini-2.5-pro }
  claude-vertex: { provider: vertex, model: claude-sonnet-4@20250514 }
primary_model: gpt-4o-azure
fallback_models: [gemini-vertex, claude-vertex]
base_delay: 0
jitter: false
`;
}

function cloudExecutor(): Executor {
  const factory = new SelfManagingFallbackFactory({
    env: { AZURE_OPENAI_API_KEY: '8f0c2e61d4b94a7f9c3e5b1a2d6f7e80' },
    credentials: { googleAuthClient: testGoogleAuthClient() },
  });
  return new Executor({ policies: setOf(policyFrom(cloudPolicy(sim.url))), factory });
}

const request = { policy: 'clouds', messages: [{ role: 'user' as const, content: 'ping' }] };

describe('azure_openai → vertex', () => {
  test('an Azure 429 falls back to Gemini on Vertex AI', async () => {
    await sim.setScenario({ models: { 'gpt4o-prod': { faults: [{ type: 'rate_limit', retry_after: '2s' }] } } });
    const result = await cloudExecutor().generate(request);
    expect(result).toMatchObject({ model: 'gemini-vertex', provider: 'vertex' });
    expect(result.text).toContain('[gemini-2.5-pro]');
    expect(result.session.attempts.map((attempt) => [attempt.model, attempt.error?.kind ?? 'ok'])).toEqual([
      ['gpt-4o-azure', 'rate_limit'],
      ['gemini-vertex', 'ok'],
    ]);
    expect(result.session.attempts[0]?.error).toMatchObject({ provider: 'azure_openai', status: 429, retryAfterMs: 2000 });
    expect(sim.requests().map((recorded) => [recorded.protocol, recorded.path])).toEqual([
      ['azure_openai', '/openai/deployments/gpt4o-prod/chat/completions'],
      ['vertex', '/v1/projects/acme-prod/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent'],
    ]);
  });

  test('outages on Azure and on Gemini hand a stream to Claude on Vertex AI', async () => {
    await sim.setScenario({
      models: { 'gpt4o-prod': { faults: [{ type: 'service_unavailable' }] }, 'gemini-2.5-pro': { faults: [{ type: 'service_unavailable' }] } },
    });
    const events: ExecutorStreamEvent[] = [];
    for await (const event of cloudExecutor().stream(request)) events.push(event);
    const failed = events.filter((event) => event.type === 'attempt-failed');
    expect(failed.map((event) => [event.model, (event as { error: { kind: string; provider: string } }).error.provider])).toEqual([
      ['gpt-4o-azure', 'azure_openai'],
      ['gemini-vertex', 'vertex'],
    ]);
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toContain('[claude-sonnet-4@20250514]');
    expect(events.at(-1)).toMatchObject({ type: 'finish', result: { model: 'claude-vertex', provider: 'vertex' } });
    expect(sim.requests().at(-1)).toMatchObject({ protocol: 'vertex_anthropic', stream: true, body: { anthropic_version: 'vertex-2023-10-16' } });
  });
});
