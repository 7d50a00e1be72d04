import { NextResponse } from 'next/server';
import { describe, expect, it } from 'vitest';
import { forwardSetCookiesToRequest } from './forward-cookies';

function passThroughWith(...setCookies: string[]) {
  const response = NextResponse.next();
  for (const c of setCookies) response.headers.append('set-cookie', c);
  return response;
}

describe('forwardSetCookiesToRequest', () => {
  it('lets the page behind the middleware read the refreshed session cookie', () => {
    const request = new Request('http://localhost/dashboard', { headers: { cookie: 'authjs.session-token=old; theme=dark' } });
    const out = forwardSetCookiesToRequest(request, passThroughWith('authjs.session-token=new; Path=/; HttpOnly; SameSite=Lax'));
    expect(out.headers.get('x-middleware-request-cookie')).toBe('authjs.session-token=new; theme=dark');
    expect(out.headers.get('x-middleware-override-headers')).toContain('cookie');
    expect(out.headers.getSetCookie()).toEqual(['authjs.session-token=new; Path=/; HttpOnly; SameSite=Lax']);
  });

  it('drops cookies the response deletes', () => {
    const request = new Request('http://localhost/', { headers: { cookie: 'authjs.session-token.0=a; authjs.session-token.1=b' } });
    const out = forwardSetCookiesToRequest(
      request,
      passThroughWith('authjs.session-token.0=c; Path=/', 'authjs.session-token.1=; Path=/; Max-Age=0'),
    );
    expect(out.headers.get('x-middleware-request-cookie')).toBe('authjs.session-token.0=c');
  });

  it('leaves redirects and responses without cookies untouched', () => {
    const request = new Request('http://localhost/');
    const redirect = NextResponse.redirect('http://localhost/api/auth/signin');
    redirect.headers.append('set-cookie', 'a=b');
    expect(forwardSetCookiesToRequest(request, redirect)).toBe(redirect);
    const plain = NextResponse.next();
    expect(forwardSetCookiesToRequest(request, plain)).toBe(plain);
  });
});
