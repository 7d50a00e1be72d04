import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { checkConnectorConfigText, runSmsAeroCheck, SMSAERO_CHECK_USAGE } from './check-config';

const exampleText = readFileSync(new URL('../../docs/examples/smsaero-connector.example.json', import.meta.url), 'utf8');
const SECRET = 'sk-very-secret-api-key';

const files: Record<string, string> = {
  'good.json': exampleText,
  'bad.json': JSON.stringify({ email: 'nope', apiKey: SECRET, senderName: 'SMSAero', templates: [{ usageType: 'SignIn', content: 'code {{code}}' }] }),
  'broken.json': `{ "email": "you@example.com", "apiKey": ${SECRET} }`,
};

const readText = (path: string) => {
  const text = files[path === '-' ? 'good.json' : path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  return text;
};

describe('smsaero:check', () => {
  it('prints OK with the template count and usage types for the shipped example', async () => {
    const run = await runSmsAeroCheck(['good.json'], readText);
    expect(run).toEqual({
      exitCode: 0,
      stdout: ['OK: SMS Aero connector config is valid (6 templates: Register, SignIn, ForgotPassword, Generic, MfaVerification, BindNewIdentifier)'],
      stderr: [],
    });
  });

  it('reads stdin for -', async () => {
    expect(await runSmsAeroCheck(['-'], readText)).toMatchObject({ exitCode: 0 });
  });

  it('prints each error, exits 1 and never echoes the apiKey', async () => {
    const run = await runSmsAeroCheck(['bad.json'], readText);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toEqual(['error: email: must be an email address', 'error: templates: missing usage types Register, ForgotPassword, Generic']);
    const broken = await runSmsAeroCheck(['broken.json'], readText);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr[0]).toMatch(/^error: config: invalid JSON at line 1, column 41: expected a value/);
    expect(JSON.stringify([run, broken])).not.toContain('secret');
  });

  it('explains an unreadable file or a missing argument', async () => {
    expect(await runSmsAeroCheck(['missing.json'], readText)).toEqual({ exitCode: 1, stdout: [], stderr: ['error: cannot read missing.json (ENOENT)'] });
    expect(await runSmsAeroCheck([], readText)).toEqual({ exitCode: 2, stdout: [], stderr: [SMSAERO_CHECK_USAGE] });
    expect(await runSmsAeroCheck(['a.json', 'b.json'], readText)).toMatchObject({ exitCode: 2 });
  });

  it('warns about templates that would send no code, duplicates and an empty sender', () => {
    const config = JSON.parse(exampleText) as { senderName: string; templates: { usageType: string; content: string }[] };
    config.senderName = ' ';
    config.templates.push({ usageType: 'SignIn', content: 'Welcome back' });
    const check = checkConnectorConfigText(JSON.stringify(config));
    expect(check.exitCode).toBe(0);
    expect(check.lines.slice(1)).toEqual([
      'warning: templates[6] (SignIn) has no {{code}} placeholder, so its SMS carries no code',
      'warning: templates[6] repeats usage type SignIn; only the first one is used',
      'warning: senderName is empty; SMS Aero needs a sender name such as "SMSAero"',
    ]);
  });
});
