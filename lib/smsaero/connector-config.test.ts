import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseConnectorConfig, smsAeroConnectorConfigSchema } from './connector-config';
import { isUsageType, LOGTO_USAGE_TYPES, REQUIRED_TEMPLATE_USAGE_TYPES } from './usage-types';

const seedExample = {
  email: 'you@example.com',
  apiKey: 'your-api-key',
  senderName: 'SMSAero',
  templates: [
    { usageType: 'Register', content: 'Register code {{code}}' },
    { usageType: 'SignIn', content: 'Sign-in code {{code}}' },
    { usageType: 'ForgotPassword', content: 'Reset code {{code}}' },
    { usageType: 'Generic', content: 'Code {{code}}' },
  ],
};

const errorsOf = (input: unknown): string[] => {
  const result = parseConnectorConfig(input);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.errors;
};

describe('usage types', () => {
  it('lists all nine Logto usage types and the four required ones', () => {
    expect(LOGTO_USAGE_TYPES).toHaveLength(9);
    expect([...REQUIRED_TEMPLATE_USAGE_TYPES].sort()).toEqual(['ForgotPassword', 'Generic', 'Register', 'SignIn']);
    expect(isUsageType('MfaVerification')).toBe(true);
    expect(isUsageType('signin')).toBe(false);
    expect(isUsageType(3)).toBe(false);
  });
});

describe('parseConnectorConfig', () => {
  it('accepts the seed guide example, as an object and as JSON text', () => {
    expect(parseConnectorConfig(seedExample)).toEqual({ ok: true, config: seedExample });
    expect(parseConnectorConfig(JSON.stringify(seedExample, null, 2))).toEqual({ ok: true, config: seedExample });
  });

  it('accepts the example file shipped in docs/examples', () => {
    const text = readFileSync(new URL('../../docs/examples/smsaero-connector.example.json', import.meta.url), 'utf8');
    const result = parseConnectorConfig(text);
    expect(result.ok).toBe(true);
  });

  it('accepts a leading BOM and extra usage types Logto does not require, and drops unknown keys as Logto does', () => {
    const result = parseConnectorConfig(`\uFEFF${JSON.stringify({ ...seedExample, extra: 1, templates: [...seedExample.templates, { usageType: 'Test', content: 'x' }] })}`);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config).not.toHaveProperty('extra');
      expect(result.config.templates).toHaveLength(5);
    }
  });

  it('names every missing required usage type', () => {
    const templates = seedExample.templates.filter((t) => t.usageType === 'Register' || t.usageType === 'SignIn');
    expect(errorsOf({ ...seedExample, templates })).toEqual(['templates: missing usage types ForgotPassword, Generic']);
    expect(errorsOf({ ...seedExample, templates: [] })).toEqual(['templates: missing usage types Register, SignIn, ForgotPassword, Generic']);
  });

  it('refuses a bad email without quoting it', () => {
    const errors = errorsOf({ ...seedExample, email: 'not-an-email' });
    expect(errors).toEqual(['email: must be an email address']);
  });

  it.each([
    ['email', 'email: is required'],
    ['apiKey', 'apiKey: is required'],
    ['senderName', 'senderName: is required'],
    ['templates', 'templates: is required'],
  ])('names a missing %s', (field, message) => {
    const { [field as keyof typeof seedExample]: _removed, ...rest } = seedExample;
    expect(errorsOf(rest)).toEqual([message]);
  });

  it('refuses an empty apiKey and wrong types, with the path of each problem', () => {
    expect(errorsOf({ ...seedExample, apiKey: '' })).toEqual(['apiKey: must not be empty']);
    expect(errorsOf({ ...seedExample, senderName: 5 })).toEqual(['senderName: must be a string, got a number']);
    const templates = [...seedExample.templates, { usageType: 'MfaVerification' }, 'oops'];
    expect(errorsOf({ ...seedExample, templates })).toEqual([
      'templates[4].content: is required',
      'templates[5]: must be an object with usageType and content, got a string',
    ]);
  });

  it('reports all problems at once', () => {
    const errors = errorsOf({ email: 'x', apiKey: 7, templates: [{ usageType: 'SignIn', content: '{{code}}' }] });
    expect(errors).toEqual([
      'email: must be an email address',
      'apiKey: must be a string, got a number',
      'senderName: is required',
      'templates: missing usage types Register, ForgotPassword, Generic',
    ]);
  });

  it('refuses something that is not an object', () => {
    expect(errorsOf([])).toEqual(['config: must be a JSON object, got an array']);
    expect(errorsOf(null)).toEqual(['config: must be a JSON object, got null']);
    expect(errorsOf(JSON.stringify(JSON.stringify(seedExample)))).toEqual([
      'config: must be a JSON object, got a string (is the JSON encoded twice?)',
    ]);
  });

  it('names the position of malformed JSON without echoing the input', () => {
    const errors = errorsOf('{\n  "email": "you@example.com",\n  "apiKey": secret-value\n}');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^config: invalid JSON at line 3, column 13: expected a value/);
    expect(errors[0]).not.toContain('secret');
  });

  it('exposes the schema for callers that compose it', () => {
    expect(smsAeroConnectorConfigSchema.safeParse(seedExample).success).toBe(true);
  });
});
