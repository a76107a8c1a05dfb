import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeFact } from '../../src/errors/fact.js';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';

describe('ProviderCallError', () => {
  it("with a cause, records no stack frames of its own (the cause's stack is the one to read) and leaves Error.stackTraceLimit as it was", () => {
    const limit = Error.stackTraceLimit;
    const cause = new Error('500 The server had an error');
    const error = new ProviderCallError(makeFact('service_unavailable', { status: 500, message: 'The server had an error' }), { cause });
    expect(Error.stackTraceLimit).toBe(limit);
    expect(error.stack).toBe('ProviderCallError: ServiceUnavailableError: The server had an error');
    expect(inspect(error)).toContain(cause.stack!.split('\n')[1]!);
    expect(new ProviderCallError(makeFact('timeout')).stack).toMatch(/\n\s+at /);
  });

  it("a fact's raw body is redacted when read, and spreads and serialises like a plain field", () => {
    const fact = makeFact('authentication', { status: 401, message: 'bad key', raw: { error: { message: 'Incorrect API key provided: sk-proj-abcdefghijkl' } } });
    expect(JSON.stringify(fact)).toContain('[REDACTED]');
    expect(JSON.stringify(fact)).not.toContain('sk-proj-abcdefghijkl');
    expect({ ...fact }.raw).toEqual({ error: { message: 'Incorrect API key provided: [REDACTED]' } });
  });
});
