#!/usr/bin/env node
// The Worker's Env and runtime types come from `wrangler types`, committed as
// workers/sms-aero/worker-configuration.d.ts. `--write` regenerates it (npm run types:worker); without
// flags this fails when wrangler.toml or the runtime changed and the committed file is stale.
// Secrets are declared in workers/sms-aero/src/env.ts, so the generator is kept away from any local
// .dev.vars (an empty --env-file): the output depends on wrangler.toml alone.
import { spawnSync } from 'node:child_process';
import { devNull } from 'node:os';

const write = process.argv.includes('--write');
const args = [
  'wrangler',
  'types',
  'workers/sms-aero/worker-configuration.d.ts',
  '-c',
  'workers/sms-aero/wrangler.toml',
  '--strict-vars=false',
  '--env-file',
  devNull,
  ...(write ? [] : ['--check']),
];
const { status } = spawnSync('npx', args, {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  shell: process.platform === 'win32',
});
if (status !== 0 && !write) console.error('\nworker-configuration.d.ts is stale: run `npm run types:worker` and commit the result.');
process.exit(status ?? 1);
