import { defineConfig } from 'vitest/config';

// Two test worlds: plain Node units (lib/, dev/, app helpers) and the Worker inside workerd
// (workers/sms-aero/vitest.config.ts). `npm run test:unit` runs the first; `npm run test:worker` the second.
export default defineConfig({
  resolve: { alias: { '@': new URL('./', import.meta.url).pathname } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          // next-auth's ESM imports `next/server` without `.js`, which only a bundler resolves: let vite load it.
          server: { deps: { inline: ['next-auth'] } },
          include: ['lib/**/*.test.ts', 'dev/**/*.test.ts', 'tests/unit/**/*.test.ts', 'scripts/**/*.test.ts'],
          setupFiles: ['tests/unit/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.e2e.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          setupFiles: ['tests/unit/setup.ts'],
          fileParallelism: false,
          testTimeout: 45_000,
          hookTimeout: 240_000,
        },
      },
      {
        // The same browser tests against the Cloudflare build (OpenNext on workerd via `wrangler dev`). Shares
        // ports and .next/ with `e2e`: run the two one after the other, never together.
        extends: true,
        test: {
          name: 'e2e-cf',
          environment: 'node',
          include: ['tests/e2e/auth.e2e.ts'],
          globalSetup: ['tests/e2e/global-setup-cloudflare.ts'],
          setupFiles: ['tests/unit/setup.ts'],
          fileParallelism: false,
          testTimeout: 45_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
