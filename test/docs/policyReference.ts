/**
 * Renders docs/policy-reference.md from schemas/policy.schema.json: every
 * key, its type, default, constraints and the schema's own description.
 * The schema is the single source; `test/docs/policyReference.test.ts`
 * fails when the page is out of date and rewrites it with UPDATE_DOCS=1.
 */

type JsonSchema = {
  readonly $ref?: string;
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly required?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly examples?: readonly unknown[];
  readonly then?: JsonSchema;
  readonly else?: JsonSchema;
  readonly title?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
};

const ENUM_INLINE_LIMIT = 14;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function refName(ref: string): string {
  return ref.replace('#/$defs/', '');
}

function link(name: string): string {
  return `[${name}](#${name.toLowerCase()})`;
}

/** The type column: a link for references, lists and maps spelled out. */
function typeOf(schema: JsonSchema): string {
  if (schema.$ref !== undefined) return link(refName(schema.$ref));
  if (schema.const !== undefined) return code(schema.const);
  if (schema.enum !== undefined) {
    return schema.enum.length <= ENUM_INLINE_LIMIT ? schema.enum.map(code).join(', ') : `one of ${schema.enum.length} values`;
  }
  if (schema.then !== undefined && schema.else !== undefined) return `${typeOf(schema.then)} or ${typeOf(schema.else)}`;
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (types.includes('array')) return `list of ${schema.items === undefined ? 'values' : typeOf(schema.items)}`;
  if (types.includes('object')) {
    if (typeof schema.additionalProperties === 'object') return `map of name → ${typeOf(schema.additionalProperties)}`;
    return 'object';
  }
  return types.length === 0 ? 'any' : types.join(' or ');
}

function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.minItems !== undefined) parts.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined && schema.$ref === undefined) parts.push(`matches ${code(schema.pattern)}`);
  return parts.join(', ');
}

/** One row per key, nested object keys as dotted paths under their parent. */
function rows(schema: JsonSchema, prefix = ''): string[][] {
  const required = new Set(schema.required ?? []);
  const result: string[][] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${key}`;
    const name = required.has(key) ? `\`${path}\` (required)` : `\`${path}\``;
    const limits = constraints(property);
    const type = limits === '' ? typeOf(property) : `${typeOf(property)} (${limits})`;
    const fallback = property.default === undefined ? '' : code(property.default);
    let description = property.description ?? '';
    if (property.examples !== undefined) description += ` Examples: ${property.examples.map(code).join(', ')}.`;
    result.push([name, type, fallback, description]);
    if (property.properties !== undefined) result.push(...rows(property, `${path}.`));
  }
  return result;
}

function table(schema: JsonSchema, prefix = ''): string[] {
  return ['| key | type | default | description |', '|---|---|---|---|', ...rows(schema, prefix).map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

/** Where each definition is used, as the keys that reference it (`rules[]`, `models.<name>`). */
function usages(schema: JsonSchema): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (node: JsonSchema, path: string): void => {
    if (node.$ref !== undefined) {
      const name = refName(node.$ref);
      const list = found.get(name) ?? [];
      if (path !== '' && !list.includes(path)) list.push(path);
      found.set(name, list);
      return;
    }
    for (const [key, property] of Object.entries(node.properties ?? {})) visit(property, path === '' ? key : `${path}.${key}`);
    if (node.items !== undefined) visit(node.items, `${path}[]`);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, `${path}.<name>`);
    if (node.then !== undefined) visit(node.then, path);
    if (node.else !== undefined) visit(node.else, path);
  };
  visit(schema, '');
  for (const [name, definition] of Object.entries(schema.$defs ?? {})) visit(definition, name);
  return found;
}

/**
 * The whole page.
 *
 * @example
 * const markdown = renderPolicyReference(JSON.parse(readFileSync('schemas/policy.schema.json', 'utf8')));
 */
export function renderPolicyReference(schema: JsonSchema): string {
  const definitions = schema.$defs ?? {};
  const used = usages(schema);
  const lines = [
    '# Policy reference',
    '',
    '<!-- Generated from schemas/policy.schema.json by test/docs/policyReference.ts. Do not edit by hand:',
    '     change the schema, then run `UPDATE_DOCS=1 npx vitest run test/docs`. -->',
    '',
    `${schema.description ?? ''} One policy per YAML file; keys are snake_case. Durations are a number of seconds or a string with a unit (\`250ms\`, \`30s\`, \`1.5m\`, \`1h\`).`,
    '',
    'Editors complete and check policies from the schema when the file starts with:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=../schemas/policy.schema.json',
    '```',
    '',
    '## Top-level keys',
    '',
    ...table(schema),
  ];
  const objects = Object.entries(definitions).filter(([, definition]) => definition.properties !== undefined);
  const values = Object.entries(definitions).filter(([, definition]) => definition.properties === undefined);
  for (const [name, definition] of objects) {
    const where = used.get(name)?.filter((path) => !path.startsWith(`${name}.`) && !path.startsWith(`${name}[`)) ?? [];
    lines.push('', `## ${name}`, '', `${definition.description ?? ''}${where.length === 0 ? '' : ` Used by ${where.map(code).join(', ')}.`}`, '', ...table(definition));
  }
  lines.push('', '## Value types');
  for (const [name, definition] of values) {
    lines.push('', `### ${name}`, '', definition.description ?? '');
    const limits = constraints(definition);
    if (definition.enum !== undefined) lines.push('', `One of: ${definition.enum.map(code).join(', ')}.`);
    else lines.push('', `Type: ${typeOf(definition)}${limits === '' ? '' : ` (${limits})`}.`);
  }
  return `${lines.join('\n')}\n`;
}
