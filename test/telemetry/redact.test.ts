import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/telemetry/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['Incorrect API key provided: sk-test-SECRET1234567. You can find', 'Incorrect API key provided: [REDACTED] You can find'],
    ['url https://x/v1beta/models?key=AIzaSyABCDEFGHIJKLMNOP&alt=sse', 'url https://x/v1beta/models?key=[REDACTED]&alt=sse'],
    ['Authorization: Bearer abc.def.ghi123', 'Authorization: [REDACTED]'],
    ['{"api_key": "hunter22"}', '{"api_key": "[REDACTED]"}'],
    ['invalid x-api-key', 'invalid x-api-key'],
    ['model "gpt-4o" not found', 'model "gpt-4o" not found'],
    ['Bearer sk-ant-api03-xyz', 'Bearer [REDACTED]'],
    ['API key not valid: AIzaSyD-abcdefghijklmnop', 'API key not valid: [REDACTED]'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('cuts long messages', () => {
    const long = 'x'.repeat(1000);
    expect(redactSecrets(long).length).toBeLessThanOrEqual(301);
  });
});
