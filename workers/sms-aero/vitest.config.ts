import { fileURLToPath } from 'node:url';

import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

import { LOCAL_CONNECTOR } from '../../dev/stack';

// The Worker's tests run inside workerd (@cloudflare/vitest-plugin, the renamed vitest-pool-workers),
// against the real local stand-ins started by test/global-setup.ts: the Upstash-compatible store, the
// SMS Aero simulator and a recorder standing in for the forward target and the Worker's public URL.
// Run from the repository root: `npm run test:worker`.
const here = fileURLToPath(new URL('.', import.meta.url));
const TEST_COMPATIBILITY_DATE = '2026-11-09';

// The same values as test/support/harness.ts (which runs in workerd and cannot import this file).
const TEST_SECRETS = {
  SMS_RELAY_TOKEN: 'test-relay-token-0123456789',
  CALLBACK_TOKEN: 'test-callback-token-0123456789',
  PHONE_HASH_KEY: 'test-phone-hash-key-0123456789',
};

export default defineConfig({
  root: here,
  plugins: [
    cloudflareTest(({ inject }) => {
      return {
        wrangler: { configPath: `${here}wrangler.toml` },
        miniflare: {
          // The plugin runs the workerd its miniflare pins (1.20261102), which supports dates up to
          // 2026-11-09; deploys and `wrangler dev` (workerd 1.20261117) use wrangler.toml's 2026-11-17.
          // The few flags dated in between (request signals, stream backpressure, cache options) touch
          // nothing the relay uses; revisit when the plugin's miniflare catches up.
          compatibilityDate: TEST_COMPATIBILITY_DATE,
          bindings: {
            ...TEST_SECRETS,
            // The local stack's connector, aimed at the simulator the global setup starts.
            SMSAERO_CONNECTOR: JSON.stringify(LOCAL_CONNECTOR),
            SMSAERO_API_URL: `${inject('simulatorUrl')}/v2`,
            // SMS Aero's callbacks go to the recorder; the tests replay them into the Worker.
            PUBLIC_URL: inject('recorderUrl'),
            KV_REST_API_URL: inject('storeUrl'),
            KV_REST_API_TOKEN: inject('storeToken'),
          },
        },
      };
    }),
  ],
  test: {
    include: ['test/**/*.spec.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    // The Worker's JSON log lines are shown for failing tests only.
    silent: 'passed-only',
  },
});
