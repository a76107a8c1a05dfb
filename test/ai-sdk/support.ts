/**
 * What the AI SDK tests share: one simulator per file, its scenario and
 * counts cleared after every test, the AI SDK's console warnings off (the
 * tests read them from the results), and the weather tool's schema.
 */
import { jsonSchema } from 'ai';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { simulator } from '../executor/simulated.js';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export const WEATHER = jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false });

/** Registers the hooks: `use` receives the file's simulator before its first test. */
export function shareSimulator(use: (started: Simulator) => void): void {
  let sim: Simulator | null = null;
  beforeAll(async () => {
    sim = await simulator();
    use(sim);
  });
  afterAll(async () => {
    await sim?.close();
  });
  afterEach(async () => {
    await sim?.setScenario({ models: {} });
    sim?.reset();
  });
}
