// OIDC discovery, fetched once per isolate and reused: refresh and sign-out need the token, revocation
// and end-session endpoints, which Logto publishes only through discovery.
export type OidcMetadata = {
  issuer: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  end_session_endpoint?: string;
};

const cache = new Map<string, Promise<OidcMetadata>>();

export function discover(issuer: string, fetchImpl: typeof fetch = fetch): Promise<OidcMetadata> {
  let pending = cache.get(issuer);
  if (!pending) {
    pending = fetchImpl(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) })
      .then(async (response) => {
        if (!response.ok) throw new Error(`OIDC discovery failed for ${issuer}: HTTP ${response.status}`);
        const metadata = (await response.json()) as OidcMetadata;
        if (metadata.issuer !== issuer) {
          throw new Error(`OIDC discovery issuer mismatch: expected ${issuer}, got ${metadata.issuer}`);
        }
        return metadata;
      })
      .catch((error: unknown) => {
        // A failed discovery must not poison the cache: the next request tries again.
        cache.delete(issuer);
        throw error;
      });
    cache.set(issuer, pending);
  }
  return pending;
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: form-urlencode each part before joining, then base64.
  const raw = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
  return `Basic ${btoa(raw)}`;
}
