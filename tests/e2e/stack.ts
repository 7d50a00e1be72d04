// The ports and settings the end-to-end stack uses: its own ports, so tests never collide with `npm run dev`.
export const E2E = {
  appPort: 3100,
  issuerPort: 3101,
  get appUrl() {
    return `http://localhost:${this.appPort}`;
  },
  get issuerUrl() {
    return `http://localhost:${this.issuerPort}/oidc`;
  },
  clientId: 'logto-e2e-app',
  clientSecret: 'logto-e2e-secret',
  authSecret: 'e2e-only-secret-e2e-only-secret-e2e-only-secret',
  // Short enough that the refresh test sees a rotation within seconds (refresh starts 30 s before expiry).
  accessTokenTtlSeconds: 40,
};

export function appEnv(): Record<string, string> {
  return {
    AUTH_SECRET: E2E.authSecret,
    AUTH_LOGTO_ISSUER: E2E.issuerUrl,
    AUTH_LOGTO_ID: E2E.clientId,
    AUTH_LOGTO_SECRET: E2E.clientSecret,
    AUTH_TRUST_HOST: 'true',
    AUTH_URL: E2E.appUrl,
  };
}

export function issuerEnv(): Record<string, string> {
  return {
    ISSUER_PORT: String(E2E.issuerPort),
    DEV_ISSUER_CLIENT_ID: E2E.clientId,
    DEV_ISSUER_CLIENT_SECRET: E2E.clientSecret,
    DEV_ISSUER_APP_ORIGINS: E2E.appUrl,
    DEV_ISSUER_ACCESS_TOKEN_TTL: String(E2E.accessTokenTtlSeconds),
    DEV_ISSUER_ID_TOKEN_TTL: String(E2E.accessTokenTtlSeconds),
  };
}
