/**
 * How long a provider asked us to wait, in milliseconds: `retry-after-ms`
 * (OpenAI, Azure), `x-ms-retry-after-ms` (Azure), `retry-after` as seconds or as an HTTP date, and Google's
 * `RetryInfo.retryDelay` ("7s", "0.5s", or `{ seconds, nanos }`).
 */
import { isRecord, readHeader, readProperty, readString } from './shape.js';

/** Longest wait taken from a provider: beyond a day it is surely a parse error. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

function bounded(milliseconds: number): number | null {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return null;
  return Math.min(Math.round(milliseconds), MAX_RETRY_AFTER_MS);
}

/**
 * The `retry-after` value in ms: a number of seconds, or an HTTP date relative to `now`.
 *
 * @example
 * parseRetryAfter('2') // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:30 GMT')) // 30000
 */
export function parseRetryAfter(value: string, now: number = Date.now()): number | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return bounded(Number(trimmed) * 1000);
  // An HTTP date names its weekday or month; bare numbers like "-3" are not dates.
  if (!/[a-z]{3}/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return bounded(Math.max(0, date - now));
}

/** The headers that give the wait in milliseconds: OpenAI's and Azure's. */
const MILLISECOND_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms'] as const;

/** The wait the headers ask for, `retry-after-ms` / `x-ms-retry-after-ms` (Azure) first (they are the more precise). */
export function retryAfterFromHeaders(headers: unknown, now: number = Date.now()): number | null {
  for (const name of MILLISECOND_HEADERS) {
    const milliseconds = readHeader(headers, name);
    if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return bounded(Number(milliseconds));
  }
  const retryAfter = readHeader(headers, 'retry-after');
  return retryAfter === undefined ? null : parseRetryAfter(retryAfter, now);
}

/**
 * A google.protobuf.Duration as JSON ("7s", "0.5s", "1.250s") or as an object, in ms.
 *
 * @example
 * parseGoogleDuration('7s') // 7000
 */
export function parseGoogleDuration(value: unknown): number | null {
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
    return match?.[1] === undefined ? null : bounded(Number(match[1]) * 1000);
  }
  if (isRecord(value)) {
    const seconds = Number(readProperty(value, 'seconds') ?? 0);
    const nanos = Number(readProperty(value, 'nanos') ?? 0);
    return bounded(seconds * 1000 + nanos / 1e6);
  }
  return null;
}

/** The `RetryInfo.retryDelay` among google.rpc error details, in ms. */
export function retryAfterFromGoogleDetails(details: unknown): number | null {
  if (!Array.isArray(details)) return null;
  for (const detail of details) {
    const type = readString(detail, '@type') ?? '';
    if (type.endsWith('google.rpc.RetryInfo') || readProperty(detail, 'retryDelay') !== undefined) {
      const delay = parseGoogleDuration(readProperty(detail, 'retryDelay'));
      if (delay !== null) return delay;
    }
  }
  return null;
}

/** "Please retry in 7.5s." in a Gemini message, when the details were lost. */
export function retryAfterFromGoogleMessage(message: string): number | null {
  const match = /retry in (\d+(?:\.\d+)?)(ms|s)\b/i.exec(message);
  if (match?.[1] === undefined) return null;
  return bounded(Number(match[1]) * (match[2] === 'ms' ? 1 : 1000));
}
