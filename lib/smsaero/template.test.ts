import { describe, expect, it } from 'vitest';

import { renderTemplate, TemplateNotFoundError } from './template';

const config = {
  templates: [
    { usageType: 'SignIn', content: 'Sign in to {{ application.name }} with {{code}}' },
    { usageType: 'SignIn', content: 'second SignIn template, never used' },
    { usageType: 'Generic', content: 'Your code is {{code}}' },
  ],
};

describe('renderTemplate', () => {
  it('uses the first template for the usage type, with whitespace in braces and dotted paths', () => {
    expect(renderTemplate(config, 'SignIn', { code: '123456', application: { name: 'Acme' } })).toEqual({
      text: 'Sign in to Acme with 123456',
      usageType: 'SignIn',
    });
  });

  it('falls back to Generic and says so', () => {
    expect(renderTemplate(config, 'MfaVerification', { code: '654321' })).toEqual({ text: 'Your code is 654321', usageType: 'Generic' });
  });

  it('keeps placeholders it cannot fill: missing keys, missing paths, objects, null', () => {
    const templates = [{ usageType: 'Generic', content: '{{code}} {{ locale }} {{application.name}} {{application}} {{ user.phone }}' }];
    expect(renderTemplate({ templates }, 'Generic', { code: 42, application: { id: 'a' }, user: null }).text).toBe(
      '42 {{ locale }} {{application.name}} {{application}} {{ user.phone }}',
    );
  });

  it('does not read inherited properties through a path', () => {
    const templates = [{ usageType: 'Generic', content: '{{code.length}} {{constructor.name}} {{toString}}' }];
    expect(renderTemplate({ templates }, 'Generic', { code: '123' }).text).toBe('{{code.length}} {{constructor.name}} {{toString}}');
  });

  it('replaces every occurrence and renders numbers and booleans', () => {
    const templates = [{ usageType: 'Register', content: '{{code}}-{{code}} {{flag}}' }];
    expect(renderTemplate({ templates }, 'Register', { code: 7, flag: false }).text).toBe('7-7 false');
  });

  it('ignores braces that are not placeholders', () => {
    const templates = [{ usageType: 'Generic', content: '{code} {{ two words }} {{code}}' }];
    expect(renderTemplate({ templates }, 'Generic', { code: '1' }).text).toBe('{code} {{ two words }} 1');
  });

  it('throws a TemplateNotFoundError naming the usage type when neither template exists', () => {
    const run = () => renderTemplate({ templates: [{ usageType: 'SignIn', content: '{{code}}' }] }, 'Register', { code: '1' });
    expect(run).toThrow(TemplateNotFoundError);
    expect(run).toThrow(/"Register"/);
    try {
      run();
    } catch (error) {
      expect((error as TemplateNotFoundError).usageType).toBe('Register');
    }
  });
});
