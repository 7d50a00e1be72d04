import NextAuth, { type NextAuthConfig, type Session } from 'next-auth';
import { decode, getToken, type JWT } from 'next-auth/jwt';
import { needsRefresh } from './refresh';
import { sessionFromToken } from './session-from-token';

/**
 * Reads the session from the request's cookie the way Auth.js would — one decrypt, same cookie name and
 * chunking, same jwt/session callbacks — but only when doing so needs no write: the cookie decrypts, carries
 * no error, needs no token refresh and was issued less than `updateAge` ago, or there is no session cookie.
 * Auth.js would otherwise re-encrypt the token on every read just to push its expiry forward (rolling
 * session); here that happens about once per `updateAge`, through Auth.js.
 *
 * Returns `{ session }` (null: signed out, no session cookie) or null: "ask Auth.js" — for a cookie that
 * does not decrypt (Auth.js clears it), an error, a due refresh, a day-old cookie, an invalid callback-url
 * cookie (Auth.js then answers every session read with 500: signed out), a config this does not mirror.
 * Invariant: never a session where Auth.js would answer signed out; when unsure, decline.
 */
export type FreshSessionReader = (headers: Headers) => Promise<{ session: Session | null } | null>;

export type FreshSessionOptions = {
  /** Where AUTH_URL / NEXTAUTH_URL / AUTH_SECRET… come from (Auth.js reads process.env). */
  env?: Record<string, string | undefined>;
  now?: () => number;
};

const DEFAULT_MAX_AGE = 30 * 24 * 60 * 60;
const DEFAULT_UPDATE_AGE = 24 * 60 * 60;
/** Distinct cookies remembered per reader (isolate); a few hundred bytes each. */
const TOKEN_CACHE_SIZE = 500;

export function createFreshSessionReader(config: NextAuthConfig, options: FreshSessionOptions = {}): FreshSessionReader {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const resolved = withAuthDefaults(config);
  const { secret } = resolved;
  const jwtCallback = resolved.callbacks?.jwt;
  const maxAge = resolved.session?.maxAge ?? DEFAULT_MAX_AGE;
  const updateAge = resolved.session?.updateAge ?? DEFAULT_UPDATE_AGE;
  // Only what this mirrors: a trusted host, a secret, JWT sessions with the default codec and cookie names.
  const mirrorable =
    Boolean(resolved.trustHost) &&
    (Array.isArray(secret) ? secret.length > 0 : Boolean(secret)) &&
    resolved.session?.strategy === 'jwt' &&
    !resolved.jwt?.encode &&
    !resolved.jwt?.decode &&
    !resolved.cookies;

  const decrypted = new DecryptedTokens(TOKEN_CACHE_SIZE);

  return async (headers) => {
    if (!mirrorable || !secret) return null;
    try {
      const names = cookieNames(headers, env, resolved.useSecureCookies);
      const cookie = headers.get('cookie') ?? '';
      if (hasInvalidCallbackUrl(cookie, names.callbackUrl, names.origin)) return null;
      // Only the Cookie header: getToken would otherwise accept an `Authorization: Bearer` token, which
      // Auth.js sessions never read. It joins chunked cookies (name.0, name.1…) exactly like Auth.js.
      const raw = await getToken({ req: { headers: new Headers({ cookie }) }, cookieName: names.sessionToken, secret, raw: true });
      if (!raw) return { session: null };
      const token = await decrypted.get(names.sessionToken, raw, () => decode({ token: raw, secret, salt: names.sessionToken }));
      if (!token || !isFresh(token, now(), maxAge, updateAge)) return null;
      // The jwt callback decides what the token becomes; unless it hands back this very token, the cookie
      // would change and only Auth.js can re-issue it. (Ours returns it as is when no refresh is due.)
      if (jwtCallback && (await jwtCallback({ token, session: undefined } as Parameters<typeof jwtCallback>[0])) !== token) return null;
      return { session: sessionFromToken(token, new Date((token.exp as number) * 1000).toISOString()) };
    } catch {
      return null; // Whatever Auth.js does with a request this cannot read, it keeps doing.
    }
  };
}

/**
 * Decrypting costs far more than the rest of a request's auth work (key derivation, AES, HMAC), and a
 * cookie that is no longer re-issued on every response arrives unchanged for up to a day. So each reader
 * remembers the payloads of the last few hundred cookies it decrypted, keyed by the exact cookie value
 * (and its name, the key-derivation salt): a hit is the same ciphertext under the same key, so the same
 * payload. Failures are not remembered. Time-based checks are not cached: isFresh runs on every read.
 * Callers get a copy, so a callback that mutates its token cannot alter what the next request sees.
 */
class DecryptedTokens {
  readonly #entries = new Map<string, JWT>();
  constructor(readonly capacity: number) {}

  async get(salt: string, raw: string, decrypt: () => Promise<JWT | null>): Promise<JWT | null> {
    const key = `${salt}\n${raw}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return structuredClone(hit);
    }
    const token = await decrypt().catch(() => null);
    if (!token) return null;
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, structuredClone(token));
    return token;
  }
}

/**
 * The config as Auth.js runs it. NextAuth(config) fills in basePath, trustHost and secret from the
 * environment (in place); doing it on a copy gives this reader exactly the values the real instance uses.
 */
export function withAuthDefaults(config: NextAuthConfig): NextAuthConfig {
  const copy = { ...config };
  NextAuth(copy);
  return copy;
}

/** Valid now, nothing to refresh or report, and issued less than `updateAge` ago (Auth.js rolling window). */
function isFresh(token: JWT, nowMs: number, maxAge: number, updateAge: number): boolean {
  if (token.error) return false;
  if (needsRefresh(token.expiresAt, nowMs)) return false;
  if (typeof token.exp !== 'number') return false;
  return token.exp - nowMs / 1000 > Math.max(0, maxAge - updateAge);
}

/**
 * The cookie names Auth.js uses for this request. Mirrors @auth/core's createActionURL (AUTH_URL, else
 * x-forwarded-proto, else https) and defaultCookies (`__Secure-` on https), so a secure deployment never
 * accepts the unprefixed cookie a sibling subdomain or plain-http page could have planted.
 */
export function cookieNames(headers: Headers, env: Record<string, string | undefined>, useSecureCookies?: boolean) {
  const envUrl = env.AUTH_URL ?? env.NEXTAUTH_URL;
  let url: URL;
  if (envUrl) {
    url = new URL(envUrl);
  } else {
    const protocol = headers.get('x-forwarded-proto') ?? 'https';
    url = new URL(`${protocol.endsWith(':') ? protocol : `${protocol}:`}//${headers.get('x-forwarded-host') ?? headers.get('host')}`);
  }
  const secure = useSecureCookies ?? url.protocol === 'https:';
  const prefix = secure ? '__Secure-' : '';
  return { sessionToken: `${prefix}authjs.session-token`, callbackUrl: `${prefix}authjs.callback-url`, origin: url.origin };
}

/**
 * Auth.js refuses to read any session (HTTP 500, so signed out) while the callback-url cookie holds
 * something other than an http(s) URL. Checks every copy of the cookie, decoded as Auth.js decodes it.
 */
function hasInvalidCallbackUrl(cookieHeader: string, name: string, origin: string): boolean {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    if (raw.includes('%')) {
      try {
        value = decodeURIComponent(raw);
      } catch {}
    }
    if (value && !isHttpUrl(value, origin)) return true;
  }
  return false;
}

function isHttpUrl(url: string, origin: string): boolean {
  try {
    return /^https?:/.test(new URL(url, url.startsWith('/') ? origin : undefined).protocol);
  } catch {
    return false;
  }
}
