#!/usr/bin/env node
// `npm test`: every suite, in order of speed, stopping at the first failure.
//   unit    — lib/, dev/ stand-ins, env (Node)
//   worker  — the SMS Aero relay Worker inside workerd (when present)
//   e2e     — Chromium against `next build && next start` and the local stand-ins
//   e2e-cf  — the sign-in e2e against the OpenNext (Cloudflare) build served by wrangler dev
// Pass suite names to run a subset: `npm test -- unit e2e`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// vitest 5 exports no bin path; its CLI entry sits next to its package.json.
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const suites = {
  unit: ['run', '--project', 'unit'],
  worker: existsSync('workers/sms-aero/vitest.config.ts') ? ['run', '--config', 'workers/sms-aero/vitest.config.ts'] : null,
  e2e: ['run', '--project', 'e2e'],
  // The same sign-in tests against the Cloudflare build on workerd; shares ports and .next/ with e2e.
  'e2e-cf': ['run', '--project', 'e2e-cf'],
};
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(suites);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', WRANGLER_SEND_METRICS: 'false' };
const results = [];
for (const name of wanted) {
  if (!(name in suites)) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const args = suites[name];
  if (!args) continue;
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const { status } = spawnSync(process.execPath, [vitest, ...args], { stdio: 'inherit', env });
  results.push({ name, ok: status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  if (status !== 0) break;
}
console.log('\n' + results.map((r) => `${r.ok ? '✓' : '✗'} ${r.name} (${r.seconds} s)`).join('\n'));
process.exit(results.every((r) => r.ok) && results.length > 0 ? 0 : 1);
