/**
 * Known secrets (the key a client was built with, which no pattern may
 * recognise) scrubbed from a fact: its message, its code and its raw body —
 * without copying a fact whose text holds none and whose body is unread.
 */
import { describe, expect, it } from 'vitest';
import { makeFact } from '../../src/errors/fact.js';
import { redactKnownSecrets } from '../../src/errors/redact.js';
import { lazyProperty } from '../../src/lazy-property.js';

/** An Azure-style key: 32 hex characters, like no pattern. */
const KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const body = () => ({ error: { message: 'upstream said no', detail: `request with key ${KEY} was refused` } });

describe('redactKnownSecrets', () => {
  it('keeps the fact when only its unread body holds the key, and scrubs the body when it is read', () => {
    const fact = makeFact('service_unavailable', { status: 500, message: 'upstream said no', raw: body() });
    const scrubbed = redactKnownSecrets(fact, [KEY]);
    expect(scrubbed).toBe(fact);
    expect(JSON.stringify(scrubbed.raw)).not.toContain(KEY);
    expect(JSON.stringify(scrubbed)).toContain('[REDACTED]');
  });

  it('copies a fact whose body was read already, scrubbing the copy', () => {
    const fact = makeFact('service_unavailable', { status: 500, message: 'upstream said no', raw: body() });
    expect(JSON.stringify(fact.raw)).toContain(KEY);
    const scrubbed = redactKnownSecrets(fact, [KEY]);
    expect(scrubbed).not.toBe(fact);
    expect(JSON.stringify(scrubbed)).not.toContain(KEY);
  });

  it('copies a fact whose message or code holds the key, and scrubs all three', () => {
    const fact = makeFact('authentication', { status: 401, code: `bad_key_${KEY}`, message: `Incorrect key ${KEY}`, raw: body() });
    const scrubbed = redactKnownSecrets(fact, [KEY]);
    expect(scrubbed).not.toBe(fact);
    expect(scrubbed.message).toBe('Incorrect key [REDACTED]');
    expect(scrubbed.code).toBe('bad_key_[REDACTED]');
    expect(JSON.stringify(scrubbed)).not.toContain(KEY);
  });
});

describe('lazyProperty', () => {
  it('computes on first read, once, as an own enumerable value; transform applies only while still lazy', () => {
    const lazy = lazyProperty('value');
    let computed = 0;
    const target = lazy({ id: 1 }, () => ++computed);
    expect(lazy.transform(target, (value) => (value as number) * 10)).toBe(true);
    expect(computed).toBe(0);
    expect({ ...target }).toEqual({ id: 1, value: 10 });
    expect((target as { value?: number }).value).toBe(10);
    expect(computed).toBe(1);
    expect(lazy.transform(target, () => 0)).toBe(false);
    expect(lazy.transform({ id: 2 }, () => 0)).toBe(false);
  });
});
