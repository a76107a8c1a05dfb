/**
 * Network failures, SDK timeouts and caller aborts, produced for real: a
 * refused port, a server that drops the socket, a server that never answers.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/errors/classify.js';
import type { ProviderType } from '../../src/providers/spec.js';
import { callSdk, thrownBy, type SdkName } from './support/sdkCalls.js';
import { startErrorServer, type ErrorServer } from './support/errorServer.js';

let server: ErrorServer;
let refusedUrl: string;

beforeAll(async () => {
  server = await startErrorServer();
  // A port that was just free: nothing listens there, so connecting is refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  refusedUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server.close();
});

const SDKS: readonly [SdkName, ProviderType][] = [
  ['openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['google', 'google'],
  ['azure_openai', 'azure_openai'],
  ['vertex', 'vertex'],
  ['vertex_anthropic', 'vertex'],
];

describe.each(SDKS)('%s over a broken network', (sdk, provider) => {
  it('a refused port is a retryable connection error with ECONNREFUSED', async () => {
    const error = await thrownBy(callSdk(sdk, refusedUrl));
    const fact = classifyError(error, { provider });
    expect(fact).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED', status: null, retryable: true, provider });
  });

  it('a socket destroyed before the response is a connection error (UND_ERR_SOCKET)', async () => {
    const error = await thrownBy(callSdk(sdk, `${server.url}/destroy`));
    const fact = classifyError(error, { provider });
    expect(fact).toMatchObject({ kind: 'connection', code: 'UND_ERR_SOCKET', retryable: true });
  });

  it("the SDK's own timeout on a server that never answers is a timeout", async () => {
    const error = await thrownBy(callSdk(sdk, `${server.url}/hang`, { timeoutMs: 50 }));
    // @google/genai reports its timeout as a bare AbortError: the adapter says the caller did not abort.
    const fact = classifyError(error, { provider, aborted: false });
    expect(fact).toMatchObject({ kind: 'timeout', retryable: true });
    if (sdk !== 'google' && sdk !== 'vertex') expect(classifyError(error).kind).toBe('timeout');
  });

  it("the caller's AbortSignal is `aborted`, never retryable", async () => {
    const controller = new AbortController();
    const arrived = server.nextHang();
    const call = thrownBy(callSdk(sdk, `${server.url}/hang`, { signal: controller.signal }));
    await arrived;
    controller.abort();
    const error = await call;
    expect(classifyError(error, { provider, aborted: controller.signal.aborted })).toMatchObject({ kind: 'aborted', retryable: false });
    // openai and anthropic name the abort themselves (APIUserAbortError); a bare AbortError defaults to aborted too.
    expect(classifyError(error).kind).toBe('aborted');
  });

  it("detour's own attempt timer wins over what the SDK says (it aborts through the signal)", async () => {
    const controller = new AbortController();
    const arrived = server.nextHang();
    const call = thrownBy(callSdk(sdk, `${server.url}/hang`, { signal: controller.signal }));
    await arrived;
    controller.abort(new DOMException('attempt timeout', 'TimeoutError'));
    const error = await call;
    expect(classifyError(error, { provider, timedOut: true })).toMatchObject({ kind: 'timeout', retryable: true });
  });
});

describe('fetch and socket errors by shape', () => {
  const withCause = (message: string, cause: unknown) => new TypeError(message, { cause });
  const systemError = (code: string) => Object.assign(new Error(`${code} something`), { code });

  it.each([
    ['ECONNREFUSED', 'connection'],
    ['ECONNRESET', 'connection'],
    ['ENOTFOUND', 'connection'],
    ['EAI_AGAIN', 'connection'],
    ['UND_ERR_SOCKET', 'connection'],
    ['CERT_HAS_EXPIRED', 'connection'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'connection'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'connection'],
    ['ETIMEDOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ] as const)('fetch failed caused by %s → %s', (code, kind) => {
    const fact = classifyError(withCause('fetch failed', systemError(code)));
    expect(fact).toMatchObject({ kind, code, status: null });
  });

  it('a body cut mid-stream (`TypeError: terminated`) is stream_interrupted while streaming, connection otherwise', () => {
    const terminated = withCause('terminated', Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    expect(classifyError(terminated, { duringStream: true }).kind).toBe('stream_interrupted');
    expect(classifyError(terminated).kind).toBe('connection');
    expect(classifyError(new TypeError('terminated'), { duringStream: true }).kind).toBe('stream_interrupted');
  });

  it('DOMException TimeoutError (AbortSignal.timeout) is a timeout; AbortError is aborted unless the caller is known not to have aborted', () => {
    expect(classifyError(new DOMException('The operation was aborted due to timeout', 'TimeoutError')).kind).toBe('timeout');
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(classifyError(abort).kind).toBe('aborted');
    expect(classifyError(abort, { aborted: false }).kind).toBe('timeout');
    expect(classifyError(abort, { aborted: true }).kind).toBe('aborted');
  });
});
