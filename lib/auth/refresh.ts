import { basicAuthorization, discover } from './discovery';

export type OidcClient = { issuer: string; clientId: string; clientSecret: string };

export type TokenSet = {
  /** Unix seconds when the access token expires; the session is re-validated with Logto before then. */
  expiresAt: number;
  refreshToken?: string;
};

export type RefreshResult =
  | { ok: true; tokens: TokenSet & { roles?: string[] } }
  | { ok: false; error: 'invalid_grant' | 'refresh_failed'; description?: string };

/** Refresh this long before expiry so a request never carries a token that expires mid-flight. */
export const REFRESH_SKEW_SECONDS = 30;

export function needsRefresh(expiresAt: number | undefined, nowMs = Date.now()): boolean {
  return typeof expiresAt === 'number' && nowMs / 1000 >= expiresAt - REFRESH_SKEW_SECONDS;
}

// Logto rotates refresh tokens and revokes the whole grant when a consumed one is replayed, so two
// concurrent refreshes with the same token would sign the user out. One refresh per token per isolate;
// the result is kept briefly so a request that still carries the old cookie gets the same new tokens.
const inFlight = new Map<string, { promise: Promise<RefreshResult>; settledAt?: number }>();
const RESULT_REUSE_MS = 30_000;

export function refreshTokens(client: OidcClient, refreshToken: string, fetchImpl: typeof fetch = fetch): Promise<RefreshResult> {
  const now = Date.now();
  for (const [key, entry] of inFlight) {
    if (entry.settledAt !== undefined && now - entry.settledAt > RESULT_REUSE_MS) inFlight.delete(key);
  }
  const existing = inFlight.get(refreshToken);
  if (existing) return existing.promise;
  const entry: { promise: Promise<RefreshResult>; settledAt?: number } = {
    promise: doRefresh(client, refreshToken, fetchImpl).finally(() => {
      entry.settledAt = Date.now();
    }),
  };
  inFlight.set(refreshToken, entry);
  return entry.promise;
}

async function doRefresh(client: OidcClient, refreshToken: string, fetchImpl: typeof fetch): Promise<RefreshResult> {
  let response: Response;
  try {
    const { token_endpoint } = await discover(client.issuer, fetchImpl);
    response = await fetchImpl(token_endpoint, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(client.clientId, client.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return { ok: false, error: 'refresh_failed', description: error instanceof Error ? error.message : String(error) };
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    // invalid_grant means the grant is gone (expired, revoked, replayed): only signing in again helps.
    const error = body.error === 'invalid_grant' ? 'invalid_grant' : 'refresh_failed';
    return { ok: false, error, description: typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}` };
  }
  const expiresIn = Number(body.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
    return { ok: false, error: 'refresh_failed', description: 'token response without expires_in' };
  }
  return {
    ok: true,
    tokens: {
      expiresAt: Math.floor(Date.now() / 1000) + expiresIn,
      // Rotation is optional for the provider: keep the old refresh token when no new one comes back.
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : refreshToken,
      roles: rolesFromIdToken(body.id_token),
    },
  };
}

/**
 * Roles from a refreshed ID token, so role changes in Logto reach the session at the next refresh.
 * The token came straight from the token endpoint over TLS with our client credentials (OIDC Core
 * §3.1.3.7 allows skipping signature checks in that case), so reading its payload is enough here.
 */
export function rolesFromIdToken(idToken: unknown): string[] | undefined {
  if (typeof idToken !== 'string') return undefined;
  const payload = idToken.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { roles?: unknown };
    return Array.isArray(json.roles) ? json.roles.filter((role): role is string => typeof role === 'string') : undefined;
  } catch {
    return undefined;
  }
}
