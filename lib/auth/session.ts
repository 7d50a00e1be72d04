import { headers } from 'next/headers';
import type { Session } from 'next-auth';
import { cache } from 'react';
import { auth } from '../../auth';
import { authConfig } from '../../auth.config';
import { createFreshSessionReader } from './fresh-session';

const readFreshSession = createFreshSessionReader(authConfig);

/**
 * The session for server components, route handlers and server actions: the same answer as auth(), cheaper.
 * auth() re-encrypts the cookie on every call (rolling session) although nothing here can set the cookie, so
 * the work is thrown away; a fresh cookie is read with one (remembered) decrypt instead, and anything else —
 * a refresh due, an unreadable or day-old cookie — still goes through auth(), exactly as before (ADR 012).
 * React's cache() makes the layout and the page of one request share a single read.
 */
export const currentSession = cache(async (): Promise<Session | null> => {
  const fresh = await readFreshSession(await headers());
  return fresh ? fresh.session : auth();
});
