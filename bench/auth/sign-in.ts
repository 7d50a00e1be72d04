import { CookieJar } from './cookie-jar';

/**
 * Signs in through the app's own Auth.js routes and the local issuer's password form with plain fetch,
 * the way a browser would (csrf → POST signin → issuer login form → consent → callback), and returns the
 * jar holding the session cookie. No browser: the bench measures the server, not Chromium.
 */
export async function signIn(appUrl: string, username: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrf = await go(jar, `${appUrl}/api/auth/csrf`);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken?: string };
  if (!csrfToken) throw new Error(`no csrfToken from ${appUrl}/api/auth/csrf (HTTP ${csrf.status})`);

  const loginPage = await go(jar, `${appUrl}/api/auth/signin/logto`, { csrfToken, callbackUrl: `${appUrl}/dashboard` });
  const action = /<form[^>]*action="([^"]+)"[^>]*id="password-form"/.exec(loginPage.body)?.[1];
  if (!action) throw new Error(`expected the issuer's password form, got HTTP ${loginPage.status} at ${loginPage.url}`);

  const done = await go(jar, new URL(action, loginPage.url).href, { username, password });
  if (new URL(done.url).pathname !== '/dashboard' || done.status !== 200) {
    throw new Error(`sign-in did not land on /dashboard: HTTP ${done.status} at ${done.url}`);
  }
  if (!jar.names().some((name) => name.endsWith('authjs.session-token') || name.includes('authjs.session-token.'))) {
    throw new Error('sign-in finished without a session cookie');
  }
  return jar;
}

type Landing = { url: string; status: number; body: string };

/** Follows redirects by hand (fetch would drop Set-Cookie between hops), GET after the first POST. */
async function go(jar: CookieJar, target: string, form?: Record<string, string>): Promise<Landing> {
  let url = new URL(target);
  let body = form ? new URLSearchParams(form).toString() : undefined;
  for (let hop = 0; hop < 20; hop += 1) {
    const cookie = jar.header(url.pathname);
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html,application/json',
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    jar.store(url.pathname, response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      const next = new URL(location, url);
      if (next.hostname !== 'localhost' && next.hostname !== '127.0.0.1') throw new Error(`refusing to leave localhost: ${next.href}`);
      url = next;
      body = undefined;
      continue;
    }
    return { url: url.href, status: response.status, body: await response.text() };
  }
  throw new Error(`too many redirects from ${target}`);
}
