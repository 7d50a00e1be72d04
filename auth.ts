import NextAuth from 'next-auth';
import { authConfig } from './auth.config';
import { revokeRefreshToken } from './lib/auth/logout';
import { loadAppEnv } from './lib/env/app';

// The full Auth.js instance: Node-only concerns (OIDC callback, sign-out side effects) on top of the
// edge-safe config. Used by app/api/auth/[...nextauth]/route.ts, pages, route handlers and server actions.
const env = loadAppEnv();

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  events: {
    async signOut(message) {
      const refreshToken = 'token' in message ? message.token?.refreshToken : undefined;
      if (refreshToken) {
        await revokeRefreshToken(
          { issuer: env.AUTH_LOGTO_ISSUER, clientId: env.AUTH_LOGTO_ID, clientSecret: env.AUTH_LOGTO_SECRET },
          refreshToken,
        );
      }
    },
  },
});
