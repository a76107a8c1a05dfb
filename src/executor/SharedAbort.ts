/**
 * One AbortSignal shared by the attempts that nothing but `executor.close()`
 * can abort: a plain generate with no caller signal, no deadline, no hedge and
 * one attempt at a time. Node 20 spends microseconds building each
 * AbortController's signal, on every request; these attempts skip that.
 *
 * The signal is rotated every `GENERATION_SIZE` attempts, and a generation is
 * dropped once its attempts are done, so listeners an adapter forgets to remove
 * are freed with it rather than piling up on one long-lived signal.
 */
import { setMaxListeners } from 'node:events';

/**
 * Small on purpose: Node's EventTarget walks a signal's listeners on every
 * add, so an adapter that leaks one listener per call (the OpenAI SDK does, on
 * the signal it is handed) must not leave thousands on one signal.
 */
const GENERATION_SIZE = 128;

/** One shared signal and the attempts holding it. */
export interface AbortGeneration {
  readonly signal: AbortSignal;
  /** Attempts started with this signal that have not settled yet. */
  inFlight: number;
}

interface MutableGeneration extends AbortGeneration {
  readonly controller: AbortController;
  uses: number;
}

export class SharedAbort {
  private current: MutableGeneration | null = null;
  private readonly live = new Set<MutableGeneration>();

  /** The signal for one more attempt; pair with `release` when it settles. */
  acquire(): AbortGeneration {
    let generation = this.current;
    if (generation === null || generation.uses >= GENERATION_SIZE) {
      if (generation !== null && generation.inFlight === 0) this.live.delete(generation);
      const controller = new AbortController();
      // Up to GENERATION_SIZE attempts may listen at once: not a leak.
      setMaxListeners(GENERATION_SIZE + 1, controller.signal);
      generation = { controller, signal: controller.signal, inFlight: 0, uses: 0 };
      this.current = generation;
      this.live.add(generation);
    }
    generation.uses++;
    generation.inFlight++;
    return generation;
  }

  release(generation: AbortGeneration): void {
    generation.inFlight--;
    if (generation.inFlight === 0 && generation !== this.current) this.live.delete(generation as MutableGeneration);
  }

  /** Abort every attempt holding a shared signal (the executor is closing). */
  abortAll(): void {
    for (const generation of this.live) generation.controller.abort();
    this.live.clear();
    this.current = null;
  }
}
