/**
 * `GET /readyz`: whether a load balancer should send this gateway requests.
 * Ready = policies loaded, not draining, and the executor's state store
 * reachable — or unreachable while the executor serves from its local copy
 * (a shared store's outage never fails a request, so taking every replica out
 * of rotation for it would turn a Redis outage into a gateway outage).
 */
import type { Executor } from '../executor/Executor.js';
import type { StateStoreHealth } from '../executor/StateStore.js';

export interface Readiness {
  readonly httpStatus: 200 | 503;
  readonly body: {
    /** `ready`; `degraded` (still ready: the store is unreachable, state is local); else why not. */
    readonly status: 'ready' | 'degraded' | 'draining' | 'no policies' | 'state store unreachable';
    readonly ready: boolean;
    readonly policies: number;
    readonly version: string;
    readonly stateStore: StateStoreHealth;
  };
}

export function readiness(executor: Executor, draining: boolean, requireStateStore: boolean): Readiness {
  const set = executor.policies.current();
  const stateStore = executor.health().stateStore;
  const storeDown = stateStore.state !== 'ok';
  const status = draining
    ? 'draining'
    : set.policies.size === 0
      ? 'no policies'
      : storeDown && requireStateStore
        ? 'state store unreachable'
        : storeDown
          ? 'degraded'
          : 'ready';
  const ready = status === 'ready' || status === 'degraded';
  return { httpStatus: ready ? 200 : 503, body: { status, ready, policies: set.policies.size, version: set.version, stateStore } };
}
