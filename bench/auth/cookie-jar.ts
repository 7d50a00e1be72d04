/**
 * A browser's cookie jar, reduced to what the bench needs: cookies keyed by name and path, replaced and
 * deleted the way Set-Cookie says. Host-agnostic on purpose — app and issuer both live on localhost, and
 * browsers do not separate cookies by port either.
 */
type StoredCookie = { name: string; value: string; path: string };

export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Applies a response's Set-Cookie lines; `requestPath` is the default Path. */
  store(requestPath: string, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = requestPath;
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', attrValue = ''] = attribute.split('=');
        const lower = key.toLowerCase();
        if (lower === 'path') path = attrValue;
        if (lower === 'expires' && Date.parse(attrValue) <= Date.now()) expired = true;
        if (lower === 'max-age' && Number(attrValue) <= 0) expired = true;
      }
      const key = `${name}@${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  /** The Cookie header a browser would send to `pathname`: most specific path first. */
  header(pathname: string): string {
    return [...this.#cookies.values()]
      .filter((c) => c.path === '/' || pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  names(): string[] {
    return [...this.#cookies.values()].map((c) => c.name);
  }

  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [key, cookie] of this.#cookies) copy.#cookies.set(key, { ...cookie });
    return copy;
  }
}
