import NextAuth from 'next-auth';
import type { NextFetchEvent, NextRequest } from 'next/server';
import { authConfig } from './auth.config';
import { createSessionFastPath } from './lib/auth/fast-path';
import { forwardSetCookiesToRequest } from './lib/auth/forward-cookies';

// Edge middleware (Next 16 still runs middleware.ts on the edge runtime; proxy.ts would be Node-only —
// see docs/decisions/001). It decrypts the JWT cookie locally, refreshes tokens when due and applies the
// path rules in auth.config.ts. No storage I/O here: every page and handler checks auth() again anyway.
const { auth } = NextAuth(authConfig);
// One decrypt and no Set-Cookie for a fresh session; Auth.js for everything else (ADR 012).
const fastPath = createSessionFastPath(authConfig);

export default async function middleware(request: NextRequest, event: NextFetchEvent): Promise<Response> {
  // A fresh, valid session (or none at all): one decrypt, the same path rules, no Set-Cookie.
  const fast = await fastPath(request);
  if (fast) return fast;
  // Everything else — refresh due, cookie a day old, unreadable cookie, /api/auth — goes through Auth.js.
  const response = (await auth(request as never, event as never)) as unknown as Response;
  return forwardSetCookiesToRequest(request, response);
}

export const config = {
  // Everything except build assets and static files: pages and APIs (including /api/auth) all pass through.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt|.*\\.(?:png|jpg|jpeg|gif|svg|ico|webp|css|js|map|txt)$).*)'],
};
