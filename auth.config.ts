import type { NextAuthConfig } from 'next-auth';
import Logto from 'next-auth/providers/logto';
import { NextResponse } from 'next/server';
import { hasRole, isApiPath, isSignedIn, requirementFor } from './lib/auth/access';
import { needsRefresh, refreshTokens } from './lib/auth/refresh';
import { sessionFromToken } from './lib/auth/session-from-token';
import { loadAppEnv } from './lib/env/app';

// Edge-safe half of the split config: no Node APIs, no storage. middleware.ts runs exactly these callbacks
// on every request, so the JWT shape, role checks and refresh-token rotation live here, in one place.
const env = loadAppEnv();
const client = { issuer: env.AUTH_LOGTO_ISSUER, clientId: env.AUTH_LOGTO_ID, clientSecret: env.AUTH_LOGTO_SECRET };

type LogtoProfile = { sub: string; name?: string | null; username?: string | null; email?: string | null; picture?: string | null; roles?: unknown };

export const authConfig = {
  secret: env.AUTH_SECRET,
  trustHost: env.AUTH_TRUST_HOST,
  session: { strategy: 'jwt' },
  pages: { signIn: '/sign-in' },
  providers: [
    Logto({
      issuer: env.AUTH_LOGTO_ISSUER,
      clientId: env.AUTH_LOGTO_ID,
      clientSecret: env.AUTH_LOGTO_SECRET,
      client: { token_endpoint_auth_method: 'client_secret_basic' },
      authorization: {
        params: {
          scope: 'openid offline_access profile email phone roles',
          // Logto (oidc-provider) drops offline_access — so no refresh token — unless consent is prompted.
          prompt: 'consent',
        },
      },
    }),
  ],
  callbacks: {
    authorized({ auth, request }) {
      const { pathname } = request.nextUrl;
      const requirement = requirementFor(pathname, env.OPERATOR_ROLE);
      if (requirement.kind === 'public') return true;
      if (!isSignedIn(auth)) {
        if (isApiPath(pathname)) return NextResponse.json({ error: 'unauthenticated', message: 'Sign in first.' }, { status: 401 });
        return false; // Auth.js redirects to sign-in with a callbackUrl back here.
      }
      if (requirement.kind === 'role' && !hasRole(auth, requirement.role)) {
        if (isApiPath(pathname)) {
          return NextResponse.json({ error: 'forbidden', message: `Requires the "${requirement.role}" role.` }, { status: 403 });
        }
        // A real 403 (not a redirect, so no loop): render the forbidden page in place.
        return NextResponse.rewrite(new URL('/forbidden', request.nextUrl), { status: 403 });
      }
      return true;
    },
    async jwt({ token, account, profile }) {
      if (account) {
        const logto = (profile ?? {}) as LogtoProfile;
        return {
          ...token,
          sub: logto.sub ?? token.sub,
          name: logto.name ?? logto.username ?? token.name,
          username: logto.username ?? undefined,
          roles: Array.isArray(logto.roles) ? logto.roles.filter((r): r is string => typeof r === 'string') : [],
          expiresAt: account.expires_at ?? Math.floor(Date.now() / 1000) + 3600,
          refreshToken: account.refresh_token,
          error: undefined,
        };
      }
      if (token.error || !needsRefresh(token.expiresAt)) return token;
      if (!token.refreshToken) return { ...token, error: 'RefreshTokenMissing' as const };
      const result = await refreshTokens(client, token.refreshToken);
      if (result.ok) {
        return { ...token, ...result.tokens, roles: result.tokens.roles ?? token.roles };
      }
      // A transient failure keeps the session until it truly expires; a dead grant ends it now.
      if (result.error === 'invalid_grant') return { ...token, refreshToken: undefined, error: 'RefreshTokenError' as const };
      return token;
    },
    session({ session, token }) {
      // One shape for auth(), /api/auth/session and the middleware's fast path (lib/auth/fast-path.ts).
      return sessionFromToken(token, session.expires);
    },
  },
} satisfies NextAuthConfig;
