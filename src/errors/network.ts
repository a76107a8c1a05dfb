/**
 * Network, abort and timeout errors: what Node's fetch (undici) and `net` /
 * `tls` throw, and the DOMExceptions an AbortSignal rejects with. These come
 * wrapped (`TypeError: fetch failed` → `cause`, SDK `APIConnectionError` →
 * `cause`), so the whole cause chain is searched.
 */
import type { ClassifyContext } from './classify-context.js';
import type { ErrorKind } from './kinds.js';
import { causeChain, errorClassName, readCode, readString } from './shape.js';

export interface NetworkSignal {
  readonly kind: ErrorKind;
  /** The system or undici code (`ECONNREFUSED`, `UND_ERR_SOCKET`), or the DOMException name. */
  readonly code: string | null;
  readonly message: string;
  readonly sdkError: string | null;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'EPROTO',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INFO',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Slow, not broken: connect / header / body timers of the socket layer. */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|HOSTNAME_MISMATCH)/;

const CONNECTION_MESSAGE = /^(fetch failed|terminated|other side closed|socket hang up|network error|connection error)/i;

function signal(kind: ErrorKind, code: string | null, error: unknown, sdkError: string | null): NetworkSignal {
  return { kind, code, message: readString(error, 'message') ?? code ?? kind, sdkError };
}

/**
 * Classifies a network-level failure, or returns null when nothing in the cause
 * chain looks like one. `context.duringStream` turns a cut connection into
 * `stream_interrupted`; `context.aborted === false` says the caller did not
 * abort, so a bare AbortError came from a timer (e.g. `@google/genai`'s timeout).
 *
 * @example
 * classifyNetworkError(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }), {})?.kind // 'connection'
 */
export function classifyNetworkError(error: unknown, context: ClassifyContext): NetworkSignal | null {
  const chain = causeChain(error);
  const outerName = errorClassName(error);
  for (const link of chain) {
    const name = errorClassName(link);
    if (name === 'TimeoutError') return signal('timeout', 'TimeoutError', link, outerName);
    if (name === 'AbortError' || readCode(link, 'code') === 'ABORT_ERR') {
      return signal(context.aborted === false ? 'timeout' : 'aborted', 'AbortError', link, outerName);
    }
  }
  for (const link of chain) {
    const code = readCode(link, 'code') ?? readCode(link, 'errno');
    if (code === undefined) continue;
    if (TIMEOUT_CODES.has(code)) return signal('timeout', code, link, outerName);
    if (CONNECTION_CODES.has(code) || TLS_CODE.test(code)) {
      const interrupted = context.duringStream === true && code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN';
      return signal(interrupted ? 'stream_interrupted' : 'connection', code, link, outerName);
    }
  }
  for (const link of chain) {
    const message = readString(link, 'message') ?? '';
    if (CONNECTION_MESSAGE.test(message)) {
      return signal(context.duringStream === true ? 'stream_interrupted' : 'connection', null, link, outerName);
    }
  }
  return null;
}
