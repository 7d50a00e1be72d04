import { NextResponse } from 'next/server';

/**
 * Auth.js middleware re-issues the session cookie on the response only. When it refreshed the tokens,
 * the page rendered behind it would still read the old cookie and refresh again with a refresh token
 * Logto already rotated — a replay that revokes the grant (next-auth#11853). So a pass-through response
 * also rewrites the downstream request's Cookie header with what the browser is about to receive.
 */
export function forwardSetCookiesToRequest(request: Request, response: Response): Response {
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length === 0 || response.headers.get('x-middleware-next') !== '1') return response;

  const jar = new Map<string, string>();
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const line of setCookies) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a) || /^\s*expires\s*=\s*thu, 01 jan 1970/i.test(a));
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }

  const headers = new Headers(request.headers);
  headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
  const forwarded = NextResponse.next({ request: { headers } });
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie' && key !== 'x-middleware-next' && !forwarded.headers.has(key)) forwarded.headers.set(key, value);
  });
  for (const line of setCookies) forwarded.headers.append('set-cookie', line);
  return forwarded;
}
