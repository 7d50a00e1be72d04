import { basicAuthorization, discover } from './discovery';
import type { OidcClient } from './refresh';

/**
 * Revokes the refresh token at Logto's revocation endpoint (RFC 7009). Ending the Logto session does not
 * revoke refresh tokens, so without this a copied refresh token would keep minting access tokens.
 * Best effort: a failure is reported to the caller, never thrown, so sign-out always completes.
 */
export async function revokeRefreshToken(client: OidcClient, refreshToken: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const { revocation_endpoint } = await discover(client.issuer, fetchImpl);
    if (!revocation_endpoint) return false;
    const response = await fetchImpl(revocation_endpoint, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(client.clientId, client.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
      signal: AbortSignal.timeout(5000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * RP-initiated logout URL. client_id identifies us (Logto accepts it instead of id_token_hint, which would
 * otherwise have to ride in the session cookie); the post-logout URI must be registered in Logto.
 */
export async function endSessionUrl(client: OidcClient, postLogoutRedirectUri: string, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  try {
    const { end_session_endpoint } = await discover(client.issuer, fetchImpl);
    if (!end_session_endpoint) return null;
    const url = new URL(end_session_endpoint);
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    return url.toString();
  } catch {
    return null;
  }
}
