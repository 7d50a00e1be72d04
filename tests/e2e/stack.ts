import { LOCAL_SECRETS, planStack, type StackPorts } from '../../dev/stack';
import { ownedRedisUrl } from '../support/redis';

// The e2e stack: the same parts as `npm run dev` (dev/stack.ts), on their own ports so tests never collide
// with a running dev stack, with token lifetimes short enough to watch a refresh happen.
export const E2E_PORTS: StackPorts = { app: 3100, issuer: 3101, worker: 3187, simulator: 3188, store: 3179 };

export const E2E = {
  appUrl: `http://localhost:${E2E_PORTS.app}`,
  issuerUrl: `http://localhost:${E2E_PORTS.issuer}/oidc`,
  workerUrl: `http://127.0.0.1:${E2E_PORTS.worker}`,
  simulatorUrl: `http://127.0.0.1:${E2E_PORTS.simulator}`,
  storeUrl: `http://127.0.0.1:${E2E_PORTS.store}`,
  storeToken: LOCAL_SECRETS.storeToken,
  relayToken: LOCAL_SECRETS.relayToken,
  callbackToken: LOCAL_SECRETS.callbackToken,
  phoneHashKey: LOCAL_SECRETS.phoneHashKey,
  authSecret: 'e2e-only-secret-e2e-only-secret-e2e-only-secret',
  // Refresh starts 30 s before expiry, so the refresh test sees a rotation within seconds.
  accessTokenTtlSeconds: 40,
};

/** Real Redis for the e2e log when REDIS_URL is set (CI): its own database, emptied at start. */
export const e2eRedisUrl = ownedRedisUrl(3);

export function planE2EStack(app: 'built' | 'none') {
  return planStack({
    ports: E2E_PORTS,
    // Only what the e2e stack needs: a developer's own configuration must not leak into the tests.
    env: { REDIS_URL: e2eRedisUrl },
    app,
    dataDir: new URL('../../test-results/e2e-data/', import.meta.url).pathname,
    overrides: {
      issuer: {
        DEV_ISSUER_ACCESS_TOKEN_TTL: String(E2E.accessTokenTtlSeconds),
        DEV_ISSUER_ID_TOKEN_TTL: String(E2E.accessTokenTtlSeconds),
      },
      // Sign-ins and console tests send a few codes to the same demo numbers; the per-block limit (20/10m)
      // stays at its default so the pumping test can trip it on a block of its own.
      worker: { SMS_LIMIT_PER_NUMBER: '10/10m,50/1d' },
      app: { AUTH_SECRET: E2E.authSecret, AUTH_TRUST_HOST: 'true', AUTH_URL: E2E.appUrl },
    },
  });
}

export function appEnv(): Record<string, string> {
  return planE2EStack('none').appEnv;
}
