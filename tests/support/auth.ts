// Test support for lib/auth/*.test.ts: the real auth.config.ts / middleware.ts loaded under a test
// environment, and session cookies sealed the way Auth.js seals them. Not imported by app code.
import type { NextAuthConfig } from 'next-auth';
import { encode, type JWT } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { vi } from 'vitest';

export const SECRET = 'unit-test-secret-unit-test-secret-unit-test';
export const ORIGIN = 'http://localhost:3000';
export const DAY = 24 * 60 * 60;
export const MAX_AGE = 30 * DAY;
export const testEnv = {
  AUTH_SECRET: SECRET,
  AUTH_LOGTO_ISSUER: 'http://issuer.invalid/oidc',
  AUTH_LOGTO_ID: 'app',
  AUTH_LOGTO_SECRET: 'app-secret',
  AUTH_TRUST_HOST: 'true',
  AUTH_URL: ORIGIN,
};

export type LoadedAuth = {
  authConfig: NextAuthConfig;
  middleware: (request: NextRequest) => Promise<Response>;
  /** Auth.js middleware alone (the slow path), as middleware.ts ran it before the fast path. */
  authJsMiddleware: (request: NextRequest) => Promise<Response>;
  /** Auth.js's own session endpoint: what auth() returns, as JSON. */
  sessionEndpoint: (request: NextRequest) => Promise<Response>;
};

/** Call in beforeAll; undo with vi.unstubAllEnvs() in afterAll. */
export async function loadAuth(): Promise<LoadedAuth> {
  for (const [name, value] of Object.entries(testEnv)) vi.stubEnv(name, value);
  const { authConfig } = await import('../../auth.config');
  const { default: middleware } = await import('../../middleware');
  const { default: NextAuth } = await import('next-auth');
  const { auth, handlers } = NextAuth({ ...authConfig });
  return {
    authConfig,
    middleware: (request) => middleware(request, undefined as never),
    authJsMiddleware: (request) => auth(request as never, undefined as never) as unknown as Promise<Response>,
    sessionEndpoint: (request) => handlers.GET(request),
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const viewer = (): JWT => ({ sub: 'user-viewer', name: 'Victor Viewer', username: 'viewer', roles: [], expiresAt: nowSeconds() + 3600, refreshToken: 'rt-viewer' });
export const operator = (): JWT => ({ sub: 'user-operator', name: 'Olga Operator', username: 'operator', roles: ['operator'], expiresAt: nowSeconds() + 3600, refreshToken: 'rt-op' });

/** A session cookie value as Auth.js seals it; a smaller maxAge makes it look issued that much earlier. */
export function sealed(token: JWT, { maxAge = MAX_AGE, secret = SECRET, name = 'authjs.session-token' } = {}): Promise<string> {
  return encode({ token, secret, salt: name, maxAge });
}

export function request(path: string, headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(`${ORIGIN}${path}`, { headers });
}
