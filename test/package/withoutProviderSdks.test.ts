/**
 * The published package as a service installs it without any provider SDK:
 * the built package is packed (`npm pack`, as `npm publish` would), unpacked
 * into a temporary app's node_modules beside its runtime dependencies only,
 * and driven from child `node` processes. `openai`, `@anthropic-ai/sdk`,
 * `@google/genai`, `@aws-sdk/client-bedrock-runtime`, the other cloud SDKs and
 * the OpenTelemetry SDK pieces cannot be resolved there.
 * Needs the build (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnvironment } from '../cli/support.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const SDKS = ['openai', '@anthropic-ai/sdk', '@google/genai', '@aws-sdk/client-bedrock-runtime', '@anthropic-ai/vertex-sdk', '@azure/identity'];
const CLI_TELEMETRY_SDK = ['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources', '@opentelemetry/context-async-hooks'];

let app: string;

interface ChildResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node args…` in the app folder; a non-zero exit is a result, not a throw. */
async function node(args: readonly string[], env: Record<string, string> = {}): Promise<ChildResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...args], { cwd: app, env: cleanEnvironment(env), timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Runs an ES module script in the app folder and parses the JSON it prints last. */
async function script(name: string, source: string): Promise<unknown> {
  await writeFile(path.join(app, name), source);
  const result = await node([name]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null') as unknown;
}

const cli = (...args: string[]) => node(['node_modules/detour-llm/dist/src/cli/main.js', ...args]);

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist/src/index.js'))) throw new Error('build first: npm run build');
  app = await mkdtemp(path.join(os.tmpdir(), 'detour-without-sdks-'));
  // --ignore-scripts: pack the build as it is (prepack would rebuild under the other tests' feet).
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', app], { cwd: root });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  const installed = path.join(app, 'node_modules/detour-llm');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', path.join(app, filename), '-C', installed, '--strip-components=1']);
  // Runtime dependencies only, linked from this checkout (their own dependencies resolve there);
  // detour's files are copies, so nothing of detour resolves from this checkout's node_modules.
  const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies)) {
    const link = path.join(app, 'node_modules', dependency);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join(root, 'node_modules', dependency), link, 'dir');
  }
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
}, 60_000);

afterAll(async () => {
  if (app !== undefined) await rm(app, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships LICENSE and docs/, no source maps, and every relative link of README.md and docs/ resolves inside it', async () => {
    const installed = path.join(app, 'node_modules/detour-llm');
    const files = async (folder: string): Promise<string[]> =>
      (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
    const shipped = await files(installed);
    expect(shipped.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(existsSync(path.join(installed, 'LICENSE'))).toBe(true);
    const documents = ['README.md', ...(await readdir(path.join(installed, 'docs'))).map((name) => `docs/${name}`)];
    const broken: string[] = [];
    for (const document of documents) {
      const text = await readFile(path.join(installed, document), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(path.join(installed, path.dirname(document), target))) broken.push(`${document}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('detour-llm installed without any provider SDK', () => {
  it('imports, and none of the SDKs can be resolved from it', async () => {
    const result = await script(
      'import.mjs',
      `import * as detour from 'detour-llm';
const unresolvable = [];
for (const name of ${JSON.stringify([...SDKS, ...CLI_TELEMETRY_SDK])}) {
  try { import.meta.resolve(name); } catch { unresolvable.push(name); }
}
console.log(JSON.stringify({ exports: typeof detour.createExecutor, unresolvable }));
`,
    );
    expect(result).toEqual({ exports: 'function', unresolvable: [...SDKS, ...CLI_TELEMETRY_SDK] });
  });

  it('validates, tests and explains policies', async () => {
    const validate = await cli('validate', 'node_modules/detour-llm/policies');
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    const tests = await cli('test', 'node_modules/detour-llm/policies');
    expect(tests.code).toBe(0);
    expect(tests.stdout).toMatch(/\d+ passed, 0 failed/);
    const explain = await cli('explain', '--policy', 'node_modules/detour-llm/policies/demo.yaml', '--facts', '{"error.kind":"rate_limit","attempt.model":"gpt-4o"}');
    expect(explain.code).toBe(0);
  });

  it('a policy that needs an SDK fails those attempts with the one-line install message, in generate, in stream and from preloadSdks', async () => {
    const result = await script(
      'generate.mjs',
      `import { createExecutor, createPolicySet, parsePolicy, LLMFallbackError, SelfManagingFallbackFactory } from 'detour-llm';
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));
const { policy, diagnostics } = parsePolicy(\`
version: 1
name: needs-sdks
provider_config:
  vertex: { type: vertex, project: acme, location: us-east5 }
models:
  gpt-4o: { provider: openai }
  claude: { provider: anthropic, model: claude-3-5-haiku-latest }
  gemini: { provider: google, model: gemini-2.0-flash }
  nova: { provider: bedrock, model: amazon.nova-lite-v1:0 }
  claude-vertex: { provider: vertex, model: claude-sonnet-4@20250514 }
primary_model: gpt-4o
fallback_models: [claude, gemini, nova, claude-vertex]
max_attempts: 5
fallback_on_errors: [invalid_request]
base_delay: 0
\`, 'needs-sdks.yaml');
if (policy === null) throw new Error(JSON.stringify(diagnostics));
const factory = new SelfManagingFallbackFactory({ apiKeyOverride: 'unused' });
const preload = (await factory.preloadSdks([policy])).map((error) => error.fact.message);
const executor = await createExecutor({ policies: createPolicySet([policy]), factory });
const messages = [{ role: 'user', content: 'Hi' }];
const failures = {};
try {
  await executor.generate({ policy: 'needs-sdks', messages });
} catch (error) {
  if (!LLMFallbackError.isInstance(error)) throw error;
  failures.generate = { reason: error.reason, attempts: error.attempts.map((attempt) => [attempt.model, attempt.error.kind, attempt.error.code, attempt.error.retryable, attempt.error.message]) };
}
try {
  for await (const event of executor.stream({ policy: 'needs-sdks', messages })) void event;
} catch (error) {
  if (!LLMFallbackError.isInstance(error)) throw error;
  failures.stream = { reason: error.reason, messages: error.attempts.map((attempt) => attempt.error.message) };
}
await executor.close();
await new Promise((resolve) => setTimeout(resolve, 20));
console.log(JSON.stringify({ preload, ...failures, unhandled }));
`,
    );
    const lines = [
      'provider openai needs the `openai` package: npm install openai',
      'provider anthropic needs the `@anthropic-ai/sdk` package: npm install @anthropic-ai/sdk',
      'provider google needs the `@google/genai` package: npm install @google/genai',
      'provider bedrock needs the `@aws-sdk/client-bedrock-runtime` package: npm install @aws-sdk/client-bedrock-runtime',
      'provider vertex needs the `@anthropic-ai/vertex-sdk` package: npm install @anthropic-ai/vertex-sdk',
    ];
    expect(result).toEqual({
      preload: lines,
      generate: {
        reason: 'exhausted',
        attempts: [
          ['gpt-4o', 'invalid_request', 'missing_package', false, lines[0]],
          ['claude', 'invalid_request', 'missing_package', false, lines[1]],
          ['gemini', 'invalid_request', 'missing_package', false, lines[2]],
          ['nova', 'invalid_request', 'missing_package', false, lines[3]],
          ['claude-vertex', 'invalid_request', 'missing_package', false, lines[4]],
        ],
      },
      stream: { reason: 'exhausted', messages: lines },
      unhandled: [],
    });
  });

  it('a policy served by adapters of its own needs no SDK at all', async () => {
    const result = await script(
      'own-adapter.mjs',
      `import { createExecutor, createPolicySet, parsePolicy } from 'detour-llm';
const { policy } = parsePolicy('version: 1\\nname: own\\nmodels:\\n  echo: { provider: openai }\\nprimary_model: echo\\n', 'own.yaml');
const adapter = {
  specificationVersion: 'v2', provider: 'openai', providerType: 'openai', modelId: 'echo', serverAddress: null, serverPort: null,
  async generate(request) {
    const text = 'echo: ' + request.messages[0].content;
    return { text, content: [{ type: 'text', text }], toolCalls: [], reasoning: null, finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 1, outputTokens: 2 }, responseModel: 'echo', responseId: null };
  },
  async *stream() {},
};
const executor = await createExecutor({ policies: createPolicySet([policy]), factory: { getAdapter: () => adapter } });
const { text, model } = await executor.generate({ policy: 'own', messages: [{ role: 'user', content: 'Hi' }] });
await executor.close();
console.log(JSON.stringify({ text, model }));
`,
    );
    expect(result).toEqual({ text: 'echo: Hi', model: 'echo' });
  });

  it('detour-llm/ai-sdk needs neither `ai` nor `@ai-sdk/provider` at run time: detourModel over a provider ai_sdk model', async () => {
    const result = await script(
      'ai-sdk.mjs',
      `import { createExecutor, createPolicySet, parsePolicy } from 'detour-llm';
import { detourModel } from 'detour-llm/ai-sdk';
const unresolvable = [];
for (const name of ['ai', '@ai-sdk/provider']) {
  try { import.meta.resolve(name); } catch { unresolvable.push(name); }
}
const { policy } = parsePolicy('version: 1\\nname: own\\nmodels:\\n  echo: { provider: ai_sdk, model: echo }\\nprimary_model: echo\\n', 'own.yaml');
const echo = {
  specificationVersion: 'v4', provider: 'echo.chat', modelId: 'echo', supportedUrls: {},
  async doGenerate(options) {
    const text = 'echo: ' + options.prompt[0].content[0].text;
    return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: { total: 1 }, outputTokens: { total: 2 } }, warnings: [] };
  },
  async doStream() { throw new Error('not streamed here'); },
};
const executor = await createExecutor({ policies: createPolicySet([policy]), models: { echo } });
const answer = await detourModel(executor, { policy: 'own' }).doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
await executor.close();
console.log(JSON.stringify({ unresolvable, content: answer.content, model: answer.providerMetadata.detour.model, provider: answer.providerMetadata.detour.provider }));
`,
    );
    expect(result).toEqual({ unresolvable: ['ai', '@ai-sdk/provider'], content: [{ type: 'text', text: 'echo: Hi' }], model: 'echo', provider: 'echo.chat' });
  });

  it('detour run with an OTLP endpoint says which OpenTelemetry packages to install, and the missing SDK in one line', async () => {
    const result = await node(['node_modules/detour-llm/dist/src/cli/main.js', 'run', '--simulate', '--policy', 'node_modules/detour-llm/policies/first.yaml', 'Hello'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(result.stderr).toContain(
      `detour: an OTLP endpoint is set, but exporting spans needs ${CLI_TELEMETRY_SDK.join(', ')}: npm install ${CLI_TELEMETRY_SDK.join(' ')} (continuing without tracing)\n`,
    );
    expect(result.stdout).toContain('needs the `openai` package: npm install openai');
    expect(result.code).toBe(1);
  });
});
