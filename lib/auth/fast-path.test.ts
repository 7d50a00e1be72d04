import type { NextAuthConfig } from 'next-auth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY, MAX_AGE, ORIGIN, loadAuth, operator, request, sealed, testEnv, viewer, type LoadedAuth } from '../../tests/support/auth';
import { createSessionFastPath, type SessionFastPath } from './fast-path';

let auth: LoadedAuth;
let authConfig: NextAuthConfig;
let fastPath: SessionFastPath;
beforeAll(async () => {
  auth = await loadAuth();
  authConfig = auth.authConfig;
  fastPath = createSessionFastPath(authConfig, { env: testEnv });
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const sessionCookie = async (token = viewer(), options?: Parameters<typeof sealed>[1]) => ({ cookie: `authjs.session-token=${await sealed(token, options)}` });

/** What the browser and Next see of a middleware answer, cookies aside. */
async function outcome(response: Response) {
  return {
    status: response.status,
    next: response.headers.get('x-middleware-next'),
    rewrite: response.headers.get('x-middleware-rewrite'),
    location: response.headers.get('location'),
    body: response.headers.get('x-middleware-next') ? '' : await response.clone().text(),
  };
}

describe('fast path: a fresh, valid session cookie', () => {
  it('is decided without Set-Cookie and with the same outcome as Auth.js, path by path', async () => {
    for (const [token, paths] of [
      [viewer(), ['/', '/dashboard', '/deliveries', '/api/deliveries', '/sign-in']],
      [operator(), ['/dashboard', '/deliveries', '/api/deliveries/42/replay']],
    ] as const) {
      const headers = await sessionCookie(token);
      for (const path of paths) {
        const fast = await fastPath(request(path, headers));
        expect(fast, path).not.toBeNull();
        expect(fast!.headers.getSetCookie(), path).toEqual([]);
        const slow = await auth.authJsMiddleware(request(path, headers));
        // Auth.js re-issues the cookie every time: exactly the work the fast path saves.
        expect(slow.headers.getSetCookie().some((c) => c.startsWith('authjs.session-token=')), path).toBe(true);
        expect(await outcome(fast!), path).toEqual(await outcome(slow));
      }
    }
  });

  it('applies the role rules: 403 rewrite for pages, 403 JSON for APIs, pass-through for operators', async () => {
    const viewerCookie = await sessionCookie(viewer());
    const page = await fastPath(request('/deliveries', viewerCookie));
    expect(page?.status).toBe(403);
    expect(page?.headers.get('x-middleware-rewrite')).toBe(`${ORIGIN}/forbidden`);
    const api = await fastPath(request('/api/deliveries', viewerCookie));
    expect(api?.status).toBe(403);
    expect(await api?.json()).toMatchObject({ error: 'forbidden' });
    expect((await fastPath(request('/dashboard', viewerCookie)))?.headers.get('x-middleware-next')).toBe('1');

    const allowed = await fastPath(request('/deliveries', await sessionCookie(operator())));
    expect(allowed?.status).toBe(200);
    expect(allowed?.headers.get('x-middleware-next')).toBe('1');
  });
});

describe('fast path: signed out', () => {
  it('sends a visitor without a cookie to sign in (pages) or answers 401 JSON (APIs), as Auth.js does', async () => {
    const page = await fastPath(request('/dashboard'));
    expect(page?.status).toBe(307);
    expect(page?.headers.get('location')).toBe(`${ORIGIN}/sign-in?callbackUrl=${encodeURIComponent(`${ORIGIN}/dashboard`)}`);
    const api = await fastPath(request('/api/deliveries'));
    expect(api?.status).toBe(401);
    expect(await api?.json()).toMatchObject({ error: 'unauthenticated' });
    for (const path of ['/', '/dashboard?tab=1', '/deliveries', '/api/deliveries', '/sign-in']) {
      const fast = await fastPath(request(path));
      expect(await outcome(fast!), path).toEqual(await outcome(await auth.authJsMiddleware(request(path))));
    }
  });
});

describe('fast path declines (Auth.js decides)', () => {
  it('for the Auth.js routes under /api/auth', async () => {
    const headers = await sessionCookie();
    expect(await fastPath(request('/api/auth/session', headers))).toBeNull();
    expect(await fastPath(request('/api/auth/callback/logto?code=x', headers))).toBeNull();
    expect(await fastPath(request('/api/authx', headers))).not.toBeNull();
  });

  it('when the access token is due for refresh', async () => {
    expect(await fastPath(request('/dashboard', await sessionCookie({ ...viewer(), expiresAt: Math.floor(Date.now() / 1000) + 10 })))).toBeNull();
  });

  it('when the cookie is older than updateAge', async () => {
    expect(await fastPath(request('/dashboard', await sessionCookie(viewer(), { maxAge: MAX_AGE - DAY - 60 })))).toBeNull();
  });
});

describe('middleware: what the fast path declines ends exactly as before', () => {
  it('a token whose refresh failed is signed out', async () => {
    const dead = await sessionCookie({ ...operator(), refreshToken: undefined, error: 'RefreshTokenError' });
    expect(await fastPath(request('/deliveries', dead))).toBeNull();
    const page = await auth.middleware(request('/deliveries', dead));
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toContain('/sign-in?callbackUrl=');
    expect((await auth.middleware(request('/api/deliveries', dead))).status).toBe(401);
  });

  it('a tampered cookie, one sealed with a foreign secret and junk are signed out and cleared', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const valid = await sealed(operator());
    const tampered = valid.slice(0, -6) + (valid.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    const foreign = await sealed(operator(), { secret: 'a-different-secret-a-different-secret-1234' });
    for (const value of [tampered, foreign, 'not-a-jwt']) {
      const headers = { cookie: `authjs.session-token=${value}` };
      expect(await fastPath(request('/deliveries', headers))).toBeNull();
      const page = await auth.middleware(request('/deliveries', headers));
      expect(page.status).toBe(307);
      // Auth.js removes the unreadable cookie, as it always did.
      expect(page.headers.getSetCookie().some((c) => /^authjs\.session-token=;/.test(c))).toBe(true);
      expect((await auth.middleware(request('/api/deliveries', headers))).status).toBe(401);
    }
    expect(errors.mock.calls.some((call) => String(call[0]).includes('JWTSessionError'))).toBe(true);
  });

  it('a fresh cookie passes without Set-Cookie; a day-old one is re-issued and forwarded to the page', async () => {
    const fresh = await auth.middleware(request('/dashboard', await sessionCookie()));
    expect(fresh.headers.get('x-middleware-next')).toBe('1');
    expect(fresh.headers.getSetCookie()).toEqual([]);
    const dayOld = await sealed(viewer(), { maxAge: MAX_AGE - DAY - 60 });
    const rolled = await auth.middleware(request('/dashboard', { cookie: `authjs.session-token=${dayOld}` }));
    expect(rolled.headers.get('x-middleware-next')).toBe('1');
    expect(rolled.headers.getSetCookie().some((c) => c.startsWith('authjs.session-token='))).toBe(true);
    // The page behind it reads the re-issued cookie (forward-cookies.ts), not the old one.
    expect(rolled.headers.get('x-middleware-request-cookie')).toMatch(/^authjs\.session-token=/);
    expect(rolled.headers.get('x-middleware-request-cookie')).not.toContain(dayOld);
  });
});
