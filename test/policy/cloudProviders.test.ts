/**
 * Policy files for the cloud provider types: their settings compile into the
 * provider configuration, and a setting of the wrong type, a bad value or
 * two settings that say the same thing are reported at file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';

const MODELS = `models:
  gpt-4o-azure: { provider: azure, model: my-deployment }
  gemini-vertex: { provider: vertex, model: gemini-2.5-flash }
primary_model: gpt-4o-azure
`;

function parse(providers: string) {
  return parsePolicy(`version: 1\nname: clouds\nprovider_config:\n${providers}${MODELS}`, 'clouds.yaml');
}

describe('cloud provider settings', () => {
  it('compile into the provider configuration (a resource name becomes its endpoint)', () => {
    const { policy, diagnostics } = parse(`  azure: { type: azure_openai, resource: my-resource, api_version: 2024-10-21, auth: entra_id }
  vertex: { type: vertex, project: acme, location: us-east5 }
`);
    expect(diagnostics).toEqual([]);
    expect(policy?.providers['azure']).toMatchObject({
      type: 'azure_openai',
      apiKeyEnv: 'AZURE_OPENAI_API_KEY',
      azure: { endpoint: 'https://my-resource.openai.azure.com', apiVersion: '2024-10-21', auth: 'entra_id' },
    });
    expect(policy?.providers['vertex']).toMatchObject({ type: 'vertex', apiKeyEnv: null, vertex: { project: 'acme', location: 'us-east5' } });
  });

  it('leave what the policy does not say to the environment (null), with api_key sign-in by default', () => {
    const { policy } = parse(`  azure: { type: azure_openai }
  vertex: { type: vertex }
`);
    expect(policy?.providers['azure']?.azure).toEqual({ endpoint: null, apiVersion: null, auth: 'api_key' });
    expect(policy?.providers['vertex']?.vertex).toEqual({ project: null, location: null });
  });

  it('a setting of another provider type is reported where it is written', () => {
    const { policy, diagnostics } = parse(`  azure: { type: azure_openai, endpoint: "https://r.openai.azure.com", project: acme }
  vertex:
    type: vertex
    api_version: 2024-10-21
`);
    expect(policy).toBeNull();
    expect(diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.column, diagnostic.message])).toEqual([
      [4, 72, '`project` is a setting of vertex providers; provider `azure` is azure_openai: remove it, or set `type: vertex`'],
      [7, 5, '`api_version` is a setting of azure_openai providers; provider `vertex` is vertex: remove it, or set `type: azure_openai`'],
    ]);
  });

  it('endpoint and resource together are reported at the resource', () => {
    const { diagnostics } = parse(`  azure: { type: azure_openai, endpoint: "https://r.openai.azure.com", resource: r }
  vertex: { type: vertex }
`);
    expect(diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.column, diagnostic.message])).toEqual([
      [4, 72, 'provider `azure` sets both `endpoint` and `resource`, which say the same thing: keep one'],
    ]);
  });

  it('a resource given as a URL and a bad location are each reported at their value', () => {
    const { diagnostics } = parse(`  azure: { type: azure_openai, resource: "https://r.openai.azure.com" }
  vertex: { type: vertex, location: "US Central" }
`);
    const found = diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.message]);
    expect(found).toContainEqual([4, expect.stringContaining('an Azure resource name like my-resource')]);
    expect(found).toContainEqual([5, expect.stringContaining('a Google Cloud location like us-central1 or global')]);
  });

  it('an unknown auth is refused with the choices', () => {
    const { diagnostics } = parse(`  azure: { type: azure_openai, auth: password }
  vertex: { type: vertex }
`);
    expect(diagnostics[0]).toMatchObject({ line: 4 });
    expect(diagnostics[0]?.message).toMatch(/api_key.*entra_id/);
  });
});
