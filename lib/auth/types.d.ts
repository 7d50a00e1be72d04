import type { DefaultSession } from 'next-auth';

// What this template keeps in its JWT and exposes on the session. The refresh token stays in the
// encrypted cookie and never reaches the client: the session callback does not copy it.
declare module 'next-auth' {
  interface Session {
    user: { id: string; username: string | null; roles: string[] } & DefaultSession['user'];
    expiresAt?: number;
    error?: 'RefreshTokenError' | 'RefreshTokenMissing';
  }
}

declare module '@auth/core/jwt' {
  interface JWT {
    username?: string;
    roles?: string[];
    expiresAt?: number;
    refreshToken?: string;
    error?: 'RefreshTokenError' | 'RefreshTokenMissing';
  }
}
