import { context, type Context } from '@opentelemetry/api';

/**
 * Runs `fn` with `activeContext` active. A broken context manager never
 * reaches the caller: `fn` then runs without it, exactly once, and its own
 * errors pass through untouched.
 *
 * @example
 * runInContext(trace.setSpan(context.active(), span), () => fetchSomething())
 */
export function runInContext<T>(activeContext: Context, fn: () => T): T {
  let entered = false;
  try {
    return context.with(activeContext, () => {
      entered = true;
      return fn();
    });
  } catch (error) {
    if (entered) throw error;
    return fn();
  }
}
