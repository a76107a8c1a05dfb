import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPolicyReference } from './policyReference.js';

const SCHEMA = 'schemas/policy.schema.json';
const PAGE = 'docs/policy-reference.md';

describe('docs/policy-reference.md', () => {
  it('is what the schema generates (UPDATE_DOCS=1 rewrites it)', () => {
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as Parameters<typeof renderPolicyReference>[0];
    const generated = renderPolicyReference(schema);
    if (process.env['UPDATE_DOCS'] === '1') writeFileSync(PAGE, generated);
    let current = '';
    try {
      current = readFileSync(PAGE, 'utf8');
    } catch {
      // A missing page is simply out of date.
    }
    expect(current, `${PAGE} is out of date: run UPDATE_DOCS=1 npx vitest run test/docs`).toBe(generated);
  });

  it('documents every top-level key and every definition of the schema', () => {
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as { properties: Record<string, unknown>; $defs: Record<string, unknown> };
    const page = renderPolicyReference(schema as Parameters<typeof renderPolicyReference>[0]);
    for (const key of Object.keys(schema.properties)) expect(page).toContain(`| \`${key}\``);
    for (const name of Object.keys(schema.$defs)) expect(page).toMatch(new RegExp(`^#{2,3} ${name}$`, 'm'));
  });
});
