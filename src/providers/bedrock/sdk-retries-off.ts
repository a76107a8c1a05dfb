/**
 * The AWS SDK's retries, off for one command on a client the caller built.
 * The retry strategy is the client's (`maxAttempts` defaults to 3) and a send
 * cannot change it, so the command carries two middlewares around the SDK's
 * retry middleware: the inner one hands every failure up wrapped in an error
 * the strategy never retries, the outer one unwraps it. The caller sees the
 * SDK's own error, after one attempt, whatever the client's retry settings.
 */

/** The SDK's name for its retry middleware (`@smithy/core/retry`). */
const RETRY_MIDDLEWARE = 'retryMiddleware';

type Handler = (args: unknown) => Promise<unknown>;

/** The part of a command's (and a client's) middleware stack this needs. */
interface MiddlewareStack {
  addRelativeTo(middleware: (next: Handler) => Handler, options: { readonly relation: 'before' | 'after'; readonly toMiddleware: string; readonly name: string }): void;
  identify(): string[];
}

/** A failure carried past the retry middleware: no status, no retryable trait, no transient name, so it is never retried. */
class NotRetried extends Error {
  constructor(readonly failure: unknown) {
    super('not retried');
    this.name = 'DetourNotRetried';
  }
}

/** True when the client's stack has the SDK's retry middleware (a client built without it has nothing to turn off). */
export function hasSdkRetries(client: { readonly middlewareStack: Pick<MiddlewareStack, 'identify'> }): boolean {
  return client.middlewareStack.identify().some((entry) => entry.split(' ', 1)[0] === RETRY_MIDDLEWARE);
}

/**
 * `command`, sent once however the client's retries are set.
 *
 * @example
 * const command = withoutSdkRetries(new ConverseCommand(input));
 * await client.send(command); // one request, even with maxAttempts: 5
 */
export function withoutSdkRetries<Command extends { readonly middlewareStack: object }>(command: Command): Command {
  const stack = command.middlewareStack as MiddlewareStack;
  stack.addRelativeTo(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw new NotRetried(error);
      }
    },
    { relation: 'after', toMiddleware: RETRY_MIDDLEWARE, name: 'detourNotRetried' },
  );
  stack.addRelativeTo(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw error instanceof NotRetried ? error.failure : error;
      }
    },
    { relation: 'before', toMiddleware: RETRY_MIDDLEWARE, name: 'detourUnwrapNotRetried' },
  );
  return command;
}
