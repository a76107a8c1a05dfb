/**
 * JSON answers for structured-output requests: a value built to fit the
 * request's JSON Schema, or one built to fail it.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(schema: Record<string, unknown>): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((item): item is string => typeof item === 'string' && item !== 'null');
  if (isRecord(schema['properties'])) return 'object';
  return undefined;
}

/**
 * A small value that fits `schema`: required (else all) properties, the first
 * enum value, minimums, one array item.
 *
 * @example
 * sampleFor({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) // { city: 'text' }
 */
export function sampleFor(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return null;
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return sampleFor(options[0], depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object': {
      const properties = isRecord(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? schema['required'].filter((key): key is string => typeof key === 'string') : Object.keys(properties);
      const value: Record<string, unknown> = {};
      for (const key of required) value[key] = sampleFor(properties[key] ?? {}, depth + 1);
      return value;
    }
    case 'array': {
      const minItems = typeof schema['minItems'] === 'number' ? schema['minItems'] : 1;
      return Array.from({ length: Math.max(1, minItems) }, () => sampleFor(schema['items'] ?? {}, depth + 1));
    }
    case 'string':
      return typeof schema['format'] === 'string' && schema['format'] === 'date' ? '2026-01-01' : 'text';
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'text';
  }
}

/** A value of the wrong type for `schema` (an object where an array is wanted, and so on). */
export function mismatchFor(schema: unknown): unknown {
  const type = isRecord(schema) ? typeOf(schema) : undefined;
  switch (type) {
    case 'object':
      return ['not', 'an', 'object'];
    case 'array':
      return { not: 'an array' };
    case 'string':
      return 42;
    default:
      return 'not what the schema asks for';
  }
}
