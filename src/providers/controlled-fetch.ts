/**
 * A fetch through which a call's `CallControl` reaches its HTTP request
 * without handing the SDK an abort signal. The `openai` and
 * `@anthropic-ai/sdk` clients detour builds send through it, and their
 * adapters pass the control in the SDK's per-request `fetchOptions`.
 *
 * Why: given a caller's signal, those SDKs compose it with their own on every
 * call through `AbortSignal.any`, weak references and finalizers — more work
 * than detour's whole decision after a failure, and garbage for the collector.
 * Without one, each request still has the SDK's own controller (its timeout,
 * a stream it closes); `markControlled` lets the control find that controller
 * and abort it, so a timeout, the caller's abort or a lost race stops the
 * request exactly as a signal would.
 */
import { CALL_CONTROL, CallControl } from './call-control.js';
import type { FetchFunction } from './client-settings.js';

/** Clients whose requests all go through a `controlledFetch`. */
const controlledClients = new WeakSet<object>();
/**
 * The SDK controllers of the latest requests, with their signals, recorded when
 * the SDK's `_makeAbort` sees them (see `markControlled`) and found again by
 * the signal the request reaches the fetch with. A small ring, not a WeakMap
 * or a property on the signal: either costs more per request than the rest of
 * this fetch. A request whose entry was overwritten meanwhile (more requests
 * than the ring holds between the two) gets a signal of its own instead.
 */
const RECENT = 32;
const recentSignals: (AbortSignal | undefined)[] = new Array<AbortSignal | undefined>(RECENT).fill(undefined);
const recentControllers: (AbortController | undefined)[] = new Array<AbortController | undefined>(RECENT).fill(undefined);
let recentNext = 0;

function remember(controller: AbortController): void {
  recentSignals[recentNext] = controller.signal;
  recentControllers[recentNext] = controller;
  recentNext = (recentNext + 1) % RECENT;
}

/** The SDK controller whose signal is `signal`, newest first; it is forgotten once found. */
function controllerOf(signal: AbortSignal): AbortController | undefined {
  for (let step = 1; step <= RECENT; step++) {
    const index = (recentNext - step + RECENT) % RECENT;
    if (recentSignals[index] !== signal) continue;
    const controller = recentControllers[index];
    recentSignals[index] = recentControllers[index] = undefined;
    return controller;
  }
  return undefined;
}

/**
 * `fetch` (null: the global fetch at the time of each call) that lets a
 * `CallControl` found in its init under `CALL_CONTROL` stop the request;
 * other requests pass through untouched.
 *
 * @example
 * const client = markControlled(new OpenAI({ apiKey, maxRetries: 0, fetch: controlledFetch(null) }));
 */
export function controlledFetch(fetch: FetchFunction | null): FetchFunction {
  const send: FetchFunction = fetch ?? ((input, init) => globalThis.fetch(input, init));
  return (input, init) => {
    const control = (init as { [CALL_CONTROL]?: unknown } | undefined)?.[CALL_CONTROL];
    if (!(control instanceof CallControl) || init === undefined) return send(input, init);
    const own = init.signal ?? null;
    const controller = own === null ? undefined : controllerOf(own);
    if (controller !== undefined) {
      control.reach(controller);
      return send(input, init);
    }
    // An SDK that did not say which controller is its own: one more signal, following both.
    const request = new AbortController();
    own?.addEventListener('abort', () => request.abort(own.reason), { once: true });
    control.reach(request);
    return send(input, { ...init, signal: request.signal });
  };
}

/**
 * Remember that `client` sends through a `controlledFetch`, so its adapter
 * passes the call's control rather than a signal; and let the control find
 * each request's own controller: the Stainless SDKs (`openai`,
 * `@anthropic-ai/sdk`) make every request's abort with `_makeAbort(controller)`
 * right before its fetch. A client without that method still works (the
 * fetch then follows the SDK's signal with one of its own).
 */
export function markControlled<Client extends object>(client: Client): Client {
  const makeAbort = (client as { _makeAbort?: unknown })._makeAbort;
  if (typeof makeAbort === 'function') {
    Object.defineProperty(client, '_makeAbort', {
      value(controller: unknown): unknown {
        if (controller instanceof AbortController) remember(controller);
        return makeAbort.call(client, controller);
      },
      configurable: true,
      writable: true,
    });
  }
  controlledClients.add(client);
  return client;
}

/** Whether `client` was built by detour over a `controlledFetch`. */
export function isControlled(client: unknown): boolean {
  return typeof client === 'object' && client !== null && controlledClients.has(client);
}
