import { createActionURL } from '@auth/core';
import type { NextAuthConfig } from 'next-auth';
import { decode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY, MAX_AGE, loadAuth, nowSeconds, operator, request, sealed, testEnv, viewer, type LoadedAuth } from '../../tests/support/auth';
import { cookieNames, createFreshSessionReader, type FreshSessionReader } from './fresh-session';
import { sessionFromToken } from './session-from-token';

// Counts decryptions; the real decode still does the work.
vi.mock('next-auth/jwt', async (importOriginal) => {
  const actual = await importOriginal<typeof import('next-auth/jwt')>();
  return { ...actual, decode: vi.fn(actual.decode) };
});

let auth: LoadedAuth;
let authConfig: NextAuthConfig;
let read: FreshSessionReader;
beforeAll(async () => {
  auth = await loadAuth();
  authConfig = auth.authConfig;
  read = createFreshSessionReader(authConfig, { env: testEnv });
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const headersWith = (cookie: string, extra: Record<string, string> = {}) => new Headers({ cookie, ...extra });
const sessionCookie = async (token = viewer(), options?: Parameters<typeof sealed>[1]) => `authjs.session-token=${await sealed(token, options)}`;

describe('reading a fresh session', () => {
  it('gives what Auth.js gives (its session endpoint = auth()), except the expiry it would push forward', async () => {
    for (const token of [viewer(), { ...operator(), email: 'olga@example.test', picture: 'https://img.example/o.png' }]) {
      const cookie = await sessionCookie(token);
      const fresh = await read(headersWith(cookie));
      const fromAuthJs = (await (await auth.sessionEndpoint(request('/api/auth/session', { cookie }))).json()) as Record<string, unknown>;
      const { expires: ours, ...rest } = JSON.parse(JSON.stringify(fresh?.session)) as Record<string, unknown>;
      const { expires: theirs, ...expected } = fromAuthJs;
      expect(rest).toEqual(expected);
      expect(Date.parse(String(ours))).toBeLessThanOrEqual(Date.parse(String(theirs)));
      expect(JSON.stringify(fresh)).not.toMatch(/refresh|rt-/i);
    }
  });

  it('reads a chunked cookie (name.0, name.1…) like Auth.js, in index order', async () => {
    const value = await sealed({ ...operator(), name: 'O'.repeat(200) });
    const half = Math.floor(value.length / 2);
    const fresh = await read(headersWith(`authjs.session-token.1=${value.slice(half)}; authjs.session-token.0=${value.slice(0, half)}`));
    expect(fresh?.session?.user.roles).toEqual(['operator']);
  });

  it('is signed out without a session cookie, and ignores an Authorization: Bearer token', async () => {
    expect(await read(new Headers())).toEqual({ session: null });
    expect(await read(new Headers({ authorization: `Bearer ${await sealed(operator())}` }))).toEqual({ session: null });
  });

  it('on https only __Secure-authjs.session-token counts, never the unprefixed cookie', async () => {
    const secure = createFreshSessionReader(authConfig, { env: { ...testEnv, AUTH_URL: 'https://app.example' } });
    expect(await secure(headersWith(await sessionCookie(operator())))).toEqual({ session: null });
    const name = '__Secure-authjs.session-token';
    const prefixed = await secure(headersWith(`${name}=${await sealed(operator(), { name })}`));
    expect(prefixed?.session?.user.id).toBe('user-operator');
  });
});

describe('remembering decrypted cookies', () => {
  it('decrypts a cookie once per reader, and only a successful one', async () => {
    const reader = createFreshSessionReader(authConfig, { env: testEnv });
    const cookie = headersWith(await sessionCookie(operator()));
    vi.mocked(decode).mockClear();
    for (let i = 0; i < 3; i++) expect((await reader(cookie))?.session?.user.id).toBe('user-operator');
    expect(decode).toHaveBeenCalledTimes(1);
    const junk = headersWith('authjs.session-token=not-a-jwt');
    expect(await reader(junk)).toBeNull();
    expect(await reader(junk)).toBeNull();
    expect(decode).toHaveBeenCalledTimes(3);
  });

  it('re-checks time on every read: a remembered cookie still goes stale', async () => {
    let clock = Date.now();
    const reader = createFreshSessionReader(authConfig, { env: testEnv, now: () => clock });
    const longLived = headersWith(await sessionCookie({ ...viewer(), expiresAt: nowSeconds() + 3 * DAY }));
    const shortLived = headersWith(await sessionCookie({ ...viewer(), expiresAt: nowSeconds() + 3600 }));
    expect(await reader(longLived)).not.toBeNull();
    expect(await reader(shortLived)).not.toBeNull();
    clock += 2 * 3600 * 1000;
    expect(await reader(longLived)).not.toBeNull();
    expect(await reader(shortLived)).toBeNull(); // its access token is due for refresh now
    clock = Date.now() + (DAY + 60) * 1000;
    expect(await reader(longLived)).toBeNull(); // the cookie is a day old now
  });

  it('hands out copies: what one request does to its session cannot reach the next', async () => {
    const reader = createFreshSessionReader(authConfig, { env: testEnv });
    const cookie = headersWith(await sessionCookie(viewer()));
    const first = await reader(cookie);
    first!.session!.user.roles.push('operator');
    expect((await reader(cookie))?.session?.user.roles).toEqual([]);
  });
});

describe('declining (null: ask Auth.js)', () => {
  it('an access token due for refresh', async () => {
    expect(await read(headersWith(await sessionCookie({ ...viewer(), expiresAt: nowSeconds() + 10 })))).toBeNull();
    expect(await read(headersWith(await sessionCookie({ ...viewer(), expiresAt: nowSeconds() + 60 })))).not.toBeNull();
  });

  it('a token carrying an error', async () => {
    expect(await read(headersWith(await sessionCookie({ ...viewer(), error: 'RefreshTokenError' })))).toBeNull();
  });

  it('a cookie older than updateAge (rolling session: re-issued about once a day), not a younger one', async () => {
    expect(await read(headersWith(await sessionCookie(viewer(), { maxAge: MAX_AGE - DAY - 60 })))).toBeNull();
    expect(await read(headersWith(await sessionCookie(viewer(), { maxAge: MAX_AGE - DAY + 60 })))).not.toBeNull();
  });

  it('a tampered cookie, a foreign secret, junk', async () => {
    const valid = await sealed(operator());
    const tampered = valid.slice(0, -6) + (valid.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    const foreign = await sealed(operator(), { secret: 'a-different-secret-a-different-secret-1234' });
    for (const value of [tampered, foreign, 'not-a-jwt', `${valid}x`]) {
      expect(await read(headersWith(`authjs.session-token=${value}`)), value.slice(-8)).toBeNull();
    }
  });

  it('a callback-url cookie that would make Auth.js refuse every session read', async () => {
    const cookie = await sessionCookie(operator());
    expect(await read(headersWith(`authjs.callback-url=javascript%3Aalert(1); ${cookie}`))).toBeNull();
    expect(await read(headersWith(`authjs.callback-url=%2Fdashboard; ${cookie}`))).not.toBeNull();
    expect(await read(headersWith(`authjs.callback-url=http%3A%2F%2Flocalhost%3A3000%2F; ${cookie}`))).not.toBeNull();
  });

  it('a jwt callback that would change the token', async () => {
    const rewriting = createFreshSessionReader({ ...authConfig, callbacks: { ...authConfig.callbacks, jwt: ({ token }) => ({ ...token }) } }, { env: testEnv });
    expect(await rewriting(headersWith(await sessionCookie()))).toBeNull();
  });

  it('a config it does not mirror: untrusted host, custom codec, custom cookies', async () => {
    const cookie = headersWith(await sessionCookie());
    for (const config of [
      { ...authConfig, trustHost: false },
      { ...authConfig, jwt: { decode: async () => null } },
      { ...authConfig, cookies: { sessionToken: { name: 'custom' } } },
    ] as NextAuthConfig[]) {
      expect(await createFreshSessionReader(config, { env: testEnv })(cookie)).toBeNull();
    }
  });
});

describe('cookieNames', () => {
  it.each([
    [{}, { 'x-forwarded-proto': 'http', host: 'localhost:3000' }],
    [{}, { 'x-forwarded-proto': 'https', host: 'app.example' }],
    [{}, { host: 'app.example' }],
    [{}, { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'proxy.example', host: 'internal:3000' }],
    [{ AUTH_URL: 'https://app.example' }, { 'x-forwarded-proto': 'http', host: 'localhost:3000' }],
    [{ AUTH_URL: 'http://localhost:3000' }, { 'x-forwarded-proto': 'https', host: 'app.example' }],
  ])('agrees with Auth.js createActionURL for env %j and headers %j', (envVars, headerVars) => {
    const headers = new Headers(headerVars);
    const actionUrl = createActionURL('session', headers.get('x-forwarded-proto') as string, headers, envVars, { basePath: '/api/auth' } as never);
    const names = cookieNames(headers, envVars);
    expect(names.sessionToken).toBe(`${actionUrl.protocol === 'https:' ? '__Secure-' : ''}authjs.session-token`);
    expect(names.origin).toBe(actionUrl.origin);
  });
});

describe('sessionFromToken', () => {
  it('is what the session callback returns, without the refresh token', async () => {
    const expires = new Date(Date.now() + MAX_AGE * 1000).toISOString();
    const token = { ...operator(), email: 'olga@example.test', picture: 'https://img.example/o.png' };
    const base = { user: { name: token.name, email: token.email, image: token.picture }, expires };
    const fromCallback = await authConfig.callbacks!.session!({ session: base, token } as never);
    expect(fromCallback).toEqual(sessionFromToken(token, expires));
    expect(fromCallback).toMatchObject({ user: { id: 'user-operator', username: 'operator', roles: ['operator'], email: 'olga@example.test' }, expiresAt: token.expiresAt });
    expect(JSON.stringify(fromCallback)).not.toMatch(/refresh|rt-op/i);
  });
});
