/**
 * The shared vocabulary, patterns, durations and suggestions, and the
 * schema agreeing with them and with the loader's defaults.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, ERROR_TYPES } from '../../src/errors/kinds.js';
import { POLICY_DEFAULTS } from '../../src/policy/defaults.js';
import { parseDuration } from '../../src/policy/duration.js';
import { MAX_PATTERN_LENGTH, PatternError, compilePattern } from '../../src/policy/pattern.js';
import { policySchema } from '../../src/policy/schema.js';
import { nearest } from '../../src/policy/suggest.js';
import {
  CONDITION_PREDICATES,
  ERROR_NAMES,
  KNOWN_FACTS,
  OPERATORS,
  errorKindOf,
  isKnownFact,
  isRequestFact,
} from '../../src/policy/vocabulary.js';

type SchemaNode = Record<string, unknown> & { properties?: Record<string, SchemaNode>; $defs?: Record<string, SchemaNode> };
const schema = policySchema() as SchemaNode;
const definitions = schema.$defs ?? {};

describe('vocabulary', () => {
  it('knows the DESIGN §3 facts and any request.metadata key', () => {
    expect(KNOWN_FACTS).toContain('error.retry_after_ms');
    expect(isKnownFact('session.tried')).toBe(true);
    expect(isKnownFact('request.metadata.user_id')).toBe(true);
    expect(isKnownFact('request.metadata.')).toBe(false);
    expect(isKnownFact('error.kinds')).toBe(false);
    expect(isRequestFact('request.stream')).toBe(true);
    expect(isRequestFact('error.kind')).toBe(false);
  });

  it('maps every error name to its kind', () => {
    for (const kind of ERROR_KINDS) {
      expect(errorKindOf(kind)).toBe(kind);
      expect(errorKindOf(ERROR_TYPES[kind])).toBe(kind);
    }
    expect(errorKindOf('overloaded_error')).toBe('overloaded');
    expect(errorKindOf('RateLimit')).toBeUndefined();
    expect(CONDITION_PREDICATES.on_any_error).not.toContain('aborted');
  });

  it('the schema lists exactly the operators, error names and predicates of the vocabulary', () => {
    const operator = definitions.condition?.properties?.operator?.enum;
    expect(operator).toEqual([...OPERATORS]);
    expect([...((definitions.errorName?.enum as string[]) ?? [])].sort()).toEqual([...ERROR_NAMES].sort());
    expect([...((definitions.conditionName?.enum as string[]) ?? [])].sort()).toEqual(
      [...ERROR_NAMES, ...Object.keys(CONDITION_PREDICATES)].sort(),
    );
    expect(definitions.condition?.properties?.fact?.examples).toEqual(
      expect.arrayContaining(KNOWN_FACTS.filter((fact) => fact !== 'request.metadata')),
    );
  });
});

describe('schema', () => {
  it('is draft 2020-12 with an $id, and documents every property', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/^https:\/\//);
    const undocumented: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (node === null || typeof node !== 'object') return;
      const properties = (node as SchemaNode).properties;
      for (const [key, child] of Object.entries(properties ?? {})) {
        if (typeof child.description !== 'string') undocumented.push(`${where}/${key}`);
        walk(child, `${where}/${key}`);
      }
      for (const [key, child] of Object.entries(node as SchemaNode)) {
        if (key !== 'properties' && typeof child === 'object') walk(child, `${where}/${key}`);
      }
    };
    walk(schema, '#');
    expect(undocumented).toEqual([]);
  });

  it('covers every key of DESIGN §2', () => {
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'version', 'name', 'description', 'enabled', 'provider_config', 'models', 'groups', 'primary_model',
        'fallback_models', 'strategy_type', 'max_attempts', 'timeout', 'first_chunk_timeout', 'deadline', 'base_delay',
        'max_delay', 'exponential_base', 'jitter', 'fallback_on_status_codes', 'fallback_on_errors', 'error_mappings',
        'conditions', 'parallel', 'hedge', 'mid_stream', 'circuit_breaker', 'routes', 'rules', 'tests',
      ]),
    );
  });

  it('states the same defaults the loader fills in', () => {
    const top = schema.properties ?? {};
    const seconds = (value: unknown) => (parseDuration(value) ?? Number.NaN);
    expect(top.enabled?.default).toBe(POLICY_DEFAULTS.enabled);
    expect(top.strategy_type?.default).toBe(POLICY_DEFAULTS.strategyType);
    expect(top.max_attempts?.default).toBe(POLICY_DEFAULTS.maxAttempts);
    expect(seconds(top.timeout?.default)).toBe(POLICY_DEFAULTS.timeoutMs);
    expect(seconds(top.base_delay?.default)).toBe(POLICY_DEFAULTS.baseDelayMs);
    expect(seconds(top.max_delay?.default)).toBe(POLICY_DEFAULTS.maxDelayMs);
    expect(top.exponential_base?.default).toBe(POLICY_DEFAULTS.exponentialBase);
    expect(top.jitter?.default).toBe(POLICY_DEFAULTS.jitter);
    expect(top.backoff?.default).toBe(POLICY_DEFAULTS.backoff);
    expect(top.fallback_on_status_codes?.default).toEqual(POLICY_DEFAULTS.fallbackOnStatusCodes);
    expect(top.fallback_on_errors?.default).toEqual(POLICY_DEFAULTS.fallbackOnErrors);
    expect(top.mid_stream?.default).toBe(POLICY_DEFAULTS.midStream);
    expect(top.parallel?.properties?.width?.default).toBe(POLICY_DEFAULTS.parallelWidth);
    expect(top.hedge?.properties?.max_extra?.default).toBe(POLICY_DEFAULTS.hedgeMaxExtra);
    const circuit = top.circuit_breaker?.properties ?? {};
    expect(circuit.failure_rate?.default).toBe(POLICY_DEFAULTS.circuitFailureRate);
    expect(circuit.min_requests?.default).toBe(POLICY_DEFAULTS.circuitMinRequests);
    expect(seconds(circuit.window?.default)).toBe(POLICY_DEFAULTS.circuitWindowMs);
    expect(seconds(circuit.open_for?.default)).toBe(POLICY_DEFAULTS.circuitOpenForMs);
    expect(circuit.on?.default).toEqual(POLICY_DEFAULTS.circuitOn);
    expect(definitions.rule?.properties?.priority?.default).toBe(POLICY_DEFAULTS.rulePriority);
    expect(definitions.group?.properties?.strategy?.default).toBe(POLICY_DEFAULTS.groupStrategy);
    expect(seconds(definitions.group?.properties?.sticky?.properties?.ttl?.default)).toBe(POLICY_DEFAULTS.stickyTtlMs);
  });
});

describe('compilePattern', () => {
  it('honours a leading (?i) and (?is)', () => {
    const pattern = compilePattern('(?i)overloaded');
    expect(pattern.test('The model is OVERLOADED')).toBe(true);
    expect(compilePattern('(?is)a.b').test('A\nB')).toBe(true);
    expect(compilePattern('overloaded').test('OVERLOADED')).toBe(false);
  });

  it('rejects bad, over-long and unsupported patterns with PatternError', () => {
    expect(() => compilePattern('(unclosed')).toThrow(PatternError);
    expect(() => compilePattern('a'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(/keep it to 512/);
    expect(() => compilePattern('(?x)a b')).toThrow(/inline flag `x`/);
    expect(compilePattern('a'.repeat(MAX_PATTERN_LENGTH)).source).toHaveLength(MAX_PATTERN_LENGTH);
  });
});

describe('parseDuration', () => {
  it.each([
    [30, 30_000],
    [0.25, 250],
    ['250ms', 250],
    ['2s', 2000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
    ['0s', 0],
  ])('%s → %i ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([['30sec'], ['-1s'], [-1], ['1 h'], [''], [true], [null], [Number.NaN]])('rejects %s', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe('nearest', () => {
  it('suggests close keys and nothing for distant ones', () => {
    expect(nearest('max_attempt', ['max_attempts', 'timeout'])).toBe('max_attempts');
    expect(nearest('fallback-models', ['fallback_models'])).toBe('fallback_models');
    expect(nearest('banana', ['max_attempts', 'timeout'])).toBeUndefined();
  });
});
