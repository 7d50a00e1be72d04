import type { Session } from 'next-auth';
import type { JWT } from 'next-auth/jwt';

/**
 * The session this app derives from its JWT. Used by the `session` callback (what auth() and
 * /api/auth/session return) and by the middleware's fast path (what `authorized` judges), so both see the
 * same shape. The base user fields are the ones Auth.js itself copies from the token before calling the
 * callback; the refresh token is never copied.
 */
export function sessionFromToken(token: JWT, expires: string): Session {
  return {
    user: {
      email: token.email,
      image: token.picture,
      id: token.sub ?? '',
      name: token.name ?? null,
      username: token.username ?? null,
      roles: token.roles ?? [],
    },
    expires,
    expiresAt: token.expiresAt,
    error: token.error,
  };
}
