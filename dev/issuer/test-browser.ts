/**
 * Just enough of a browser to walk an OIDC front channel with fetch: a path-aware cookie jar and manual
 * redirects that stop at the relying party, whose callback is not running in unit tests.
 */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export interface Landing {
  /** Final URL reached, or the URL the issuer redirected to when it left the issuer. */
  url: string;
  status: number;
  body: string;
  /** Redirect hops followed on the way. */
  hops: string[];
}

export class TestBrowser {
  readonly #cookies = new Map<string, StoredCookie>();

  constructor(private readonly stayOn: string) {}

  #store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = url.pathname;
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', attrValue = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = attrValue;
        if (key.toLowerCase() === 'expires' && Date.parse(attrValue) <= Date.now()) expired = true;
        if (key.toLowerCase() === 'max-age' && Number(attrValue) <= 0) expired = true;
      }
      const key = `${name}@${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  #cookieHeader(url: URL): string {
    return [...this.#cookies.values()]
      .filter((cookie) => url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`) || cookie.path === '/')
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  async go(target: string, form?: Record<string, string>): Promise<Landing> {
    let url = new URL(target);
    let method = form ? 'POST' : 'GET';
    let body: string | undefined = form ? new URLSearchParams(form).toString() : undefined;
    const hops: string[] = [];
    for (let hop = 0; hop < 20; hop += 1) {
      const cookie = this.#cookieHeader(url);
      const response = await fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          accept: 'text/html',
          ...(cookie ? { cookie } : {}),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      this.#store(url, response.headers);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        const next = new URL(location, url);
        hops.push(next.href);
        if (!next.href.startsWith(this.stayOn)) return { url: next.href, status: response.status, body: '', hops };
        url = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: url.href, status: response.status, body: await response.text(), hops };
    }
    throw new Error(`too many redirects from ${target}`);
  }
}
