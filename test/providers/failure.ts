/**
 * The error an adapter call rejected with, which must be a ProviderCallError.
 */
import { expect } from 'vitest';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';

/** The error `promise` rejected with; the test fails when it resolved, or rejected with anything but a ProviderCallError. */
export async function failureOf(promise: Promise<unknown>): Promise<ProviderCallError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  expect(ProviderCallError.isInstance(outcome.error), String(outcome.error)).toBe(true);
  return outcome.error as ProviderCallError;
}
