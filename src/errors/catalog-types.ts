/**
 * The shapes every provider's error table shares: the fault names, the
 * documented response, the options. Their own module so that `catalog.ts`
 * and the per-provider tables it dispatches to can both import them without
 * importing each other.
 */

export type FaultName =
  | 'rate_limit'
  | 'quota'
  | 'server_error'
  | 'bad_gateway'
  | 'service_unavailable'
  | 'overloaded'
  | 'gateway_timeout'
  | 'request_timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'context_length'
  | 'content_filter'
  | 'bad_request'
  | 'unprocessable';

/** Every fault name, in a stable order (for simulators and table-driven tests). */
export const FAULT_NAMES: readonly FaultName[] = [
  'rate_limit',
  'quota',
  'server_error',
  'bad_gateway',
  'service_unavailable',
  'overloaded',
  'gateway_timeout',
  'request_timeout',
  'unauthorized',
  'forbidden',
  'not_found',
  'context_length',
  'content_filter',
  'bad_request',
  'unprocessable',
];

export interface DocumentedErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, as an object (serialise with JSON.stringify). */
  readonly body: unknown;
}

/** Options shared by every provider's table. */
export interface CatalogOptions {
  readonly retryAfterSeconds?: number;
  readonly model?: string;
}
