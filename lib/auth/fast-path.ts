import type { NextAuthConfig, Session } from 'next-auth';
import { NextRequest, NextResponse } from 'next/server';
import { createFreshSessionReader, withAuthDefaults, type FreshSessionOptions } from './fresh-session';

/**
 * The middleware's fast path. Auth.js middleware decrypts the session JWT, runs the jwt callback, encrypts
 * it again and re-issues the cookie on every response (rolling session). When the cookie is fresh (see
 * fresh-session.ts) that work changes nothing but the cookie's expiry, so this path decrypts it once,
 * applies the same `authorized` callback to the same session shape and answers without Set-Cookie.
 * It returns null — run Auth.js (the slow path), which refreshes, re-issues or clears the cookie exactly as
 * before — for everything the reader declines and for the Auth.js routes under basePath (/api/auth), which
 * handle their own cookies and must keep refreshing in the same isolate as the pages' middleware.
 */
export type SessionFastPath = (request: NextRequest) => Promise<Response | null>;

export function createSessionFastPath(config: NextAuthConfig, options: FreshSessionOptions = {}): SessionFastPath {
  const env = options.env ?? process.env;
  const resolved = withAuthDefaults(config);
  const basePath = resolved.basePath ?? '/api/auth';
  const signInPage = resolved.pages?.signIn ?? `${basePath}/signin`;
  const authorized = resolved.callbacks?.authorized;
  const readFreshSession = createFreshSessionReader(resolved, options);

  return async (request) => {
    if (!authorized) return null;
    const { pathname } = request.nextUrl;
    if (pathname === basePath || pathname.startsWith(`${basePath}/`)) return null;
    const fresh = await readFreshSession(request.headers);
    if (!fresh) return null;
    try {
      return await decide(withEnvUrl(request, env), fresh.session, authorized, signInPage);
    } catch {
      return null;
    }
  };
}

/** What Auth.js middleware (next-auth handleAuth) does with the `authorized` callback's answer. */
async function decide(
  request: NextRequest,
  session: Session | null,
  authorized: NonNullable<NonNullable<NextAuthConfig['callbacks']>['authorized']>,
  signInPage: string,
): Promise<Response> {
  const result = await authorized({ request, auth: session });
  if (result instanceof Response) return result;
  if (!result && request.nextUrl.pathname !== signInPage) {
    const signInUrl = request.nextUrl.clone();
    signInUrl.pathname = signInPage;
    signInUrl.searchParams.set('callbackUrl', request.nextUrl.href);
    return NextResponse.redirect(signInUrl);
  }
  return NextResponse.next();
}

/** next-auth's reqWithEnvURL: with AUTH_URL set, callbacks see the request on that origin. */
function withEnvUrl(request: NextRequest, env: Record<string, string | undefined>): NextRequest {
  const url = env.AUTH_URL ?? env.NEXTAUTH_URL;
  if (!url) return request;
  const { href, origin } = request.nextUrl;
  return new NextRequest(href.replace(origin, new URL(url).origin), request);
}
