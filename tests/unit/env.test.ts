import { describe, expect, it } from 'vitest';
import { loadAppEnv } from '../../lib/env/app';
import { EnvError } from '../../lib/env/parse';

const valid = {
  AUTH_SECRET: 'x'.repeat(43),
  AUTH_LOGTO_ISSUER: 'https://tenant.logto.app/oidc',
  AUTH_LOGTO_ID: 'app-id',
  AUTH_LOGTO_SECRET: 'app-secret',
};

function problems(source: Record<string, string | undefined>) {
  try {
    loadAppEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).problems;
  }
  throw new Error('expected an EnvError');
}

describe('app env', () => {
  it('accepts a minimal configuration and applies defaults', () => {
    const env = loadAppEnv(valid);
    expect(env.OPERATOR_ROLE).toBe('operator');
    expect(env.AUTH_TRUST_HOST).toBeUndefined();
    expect(loadAppEnv({ ...valid, AUTH_TRUST_HOST: 'true' }).AUTH_TRUST_HOST).toBe(true);
  });

  it('names every missing variable with a fix', () => {
    const found = problems({ AUTH_LOGTO_ISSUER: 'https://tenant.logto.app/oidc', AUTH_LOGTO_ID: '  ' });
    expect(found.map((p) => p.variable).sort()).toEqual(['AUTH_LOGTO_ID', 'AUTH_LOGTO_SECRET', 'AUTH_SECRET']);
    expect(found.find((p) => p.variable === 'AUTH_SECRET')).toMatchObject({ problem: 'is required but not set', fix: expect.stringContaining('npx auth secret') });
  });

  it('rejects an issuer with a trailing slash or no scheme', () => {
    expect(problems({ ...valid, AUTH_LOGTO_ISSUER: 'https://tenant.logto.app/oidc/' })[0]).toMatchObject({ variable: 'AUTH_LOGTO_ISSUER', problem: expect.stringContaining('slash') });
    expect(problems({ ...valid, AUTH_LOGTO_ISSUER: 'tenant.logto.app/oidc' })[0]?.variable).toBe('AUTH_LOGTO_ISSUER');
  });

  it('requires URL/token pairs together and accepts the Upstash aliases', () => {
    expect(problems({ ...valid, SMS_RELAY_URL: 'http://127.0.0.1:8787/v1/logto/sms' })[0]).toMatchObject({ variable: 'SMS_RELAY_TOKEN' });
    const env = loadAppEnv({ ...valid, UPSTASH_REDIS_REST_URL: 'https://x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't' });
    expect(env.KV_REST_API_URL).toBe('https://x.upstash.io');
  });

  it('puts the variable names in the error message', () => {
    expect(() => loadAppEnv({ ...valid, AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET: must be at least 32/);
  });
});
