#!/usr/bin/env node
// `npm run check:deploy`: proves, offline, that both one-click deploys still build.
//   1. `next build` (what Vercel runs) with stand-in env from the process, never a .env file;
//      no server-side value may reach the browser bundles
//   2. the edge middleware size (fails above Vercel Hobby's 1 MB gzip)
//   3. `opennextjs-cloudflare build` via build-cf.mjs (no local secrets, no stand-ins in .open-next/)
//   4. `wrangler deploy --dry-run` of the app: the Worker bundle's gzip size against Cloudflare's limits
//   5. the SMS Aero relay Worker, when present: dry-run deploy, gzip size, `wrangler types` drift
// Prints a summary with the sizes and the time each step took.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_STAND_INS, bins, findInFiles, gzipSizeOfFiles, kb, root, runNode, toolEnv } from './lib.mjs';

const MIB = 1024 * 1024;
// Cloudflare's compressed Worker size limits: 3 MB on Workers Free, 10 MB on Workers Paid.
const WORKER_FREE_LIMIT = 3 * MIB;
const WORKER_PAID_LIMIT = 10 * MIB;
const RELAY_WORKER = join(root, 'workers', 'sms-aero', 'wrangler.toml');
const WORKER_TYPES_CHECK = join(root, 'scripts', 'check-worker-types.mjs');

const scratch = mkdtempSync(join(tmpdir(), 'check-deploy-'));
const summary = [];
const started = Date.now();

async function step(name, fn) {
  console.log(`\n▶ ${name}`);
  const t0 = Date.now();
  try {
    const note = await fn();
    summary.push({ name, ok: true, seconds: (Date.now() - t0) / 1000, note });
  } catch (error) {
    summary.push({ name, ok: false, seconds: (Date.now() - t0) / 1000, note: error.message.split('\n')[0] });
    console.error(`\n✗ ${name}: ${error.message}`);
    finish(1);
  }
}

function finish(code) {
  rmSync(scratch, { recursive: true, force: true });
  console.log('\ncheck:deploy summary');
  for (const s of summary) console.log(`  ${s.ok ? '✓' : '✗'} ${s.name.padEnd(34)} ${s.seconds.toFixed(1).padStart(6)} s  ${s.note ?? ''}`);
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(code);
}

/** `wrangler deploy --dry-run` into a scratch dir; returns wrangler's upload size line and our own gzip count. */
async function dryRunDeploy(label, config) {
  const outdir = join(scratch, label);
  const output = await runNode(`wrangler deploy --dry-run (${label})`, bins.wrangler, ['deploy', '--dry-run', '--config', config, '--outdir', outdir], { env: toolEnv() });
  const modules = [join(outdir, 'worker.js'), join(outdir, 'index.js')].filter(existsSync);
  if (modules.length === 0) throw new Error(`wrangler wrote no worker.js/index.js to ${outdir}`);
  const { raw, gzip } = gzipSizeOfFiles(modules);
  const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  const wranglerGzip = reported ? Number(reported[2]) * 1024 : gzip;
  return { raw, gzip, wranglerGzip };
}

const standInEnv = toolEnv(BUILD_STAND_INS);

await step('next build (Vercel)', async () => {
  await runNode('next build', bins.next, ['build'], { env: standInEnv });
  const secrets = new Map([
    [BUILD_STAND_INS.AUTH_SECRET, 'AUTH_SECRET'],
    [BUILD_STAND_INS.AUTH_LOGTO_SECRET, 'AUTH_LOGTO_SECRET'],
  ]);
  const leaks = findInFiles(join(root, '.next', 'static'), secrets);
  if (leaks.length > 0) throw new Error(`server secrets in browser bundles:\n  ${leaks.join('\n  ')}`);
  return 'no server secrets in .next/static';
});

await step('middleware size', async () => {
  const output = await runNode('middleware size', join(root, 'scripts', 'middleware-size.mjs'), [], { env: toolEnv() });
  return output.trim().split('\n').pop();
});

await step('opennextjs-cloudflare build', async () => {
  await runNode('build-cf', join(root, 'scripts', 'deploy', 'build-cf.mjs'), ['--exclude-local-env'], { env: toolEnv() });
  return 'no local secrets or stand-ins baked';
});

await step('wrangler deploy --dry-run (app)', async () => {
  const { raw, wranglerGzip } = await dryRunDeploy('app', join(root, 'wrangler.toml'));
  if (wranglerGzip > WORKER_PAID_LIMIT) throw new Error(`app Worker is ${kb(wranglerGzip)} gzip, over Cloudflare's 10 MB limit`);
  const plan = wranglerGzip > WORKER_FREE_LIMIT ? ' — needs Workers Paid (over the 3 MB Free limit)' : ' (fits Workers Free, 3 MB)';
  return `app Worker: ${kb(raw)} raw, ${kb(wranglerGzip)} gzip${plan}`;
});

if (existsSync(RELAY_WORKER)) {
  await step('wrangler deploy --dry-run (relay)', async () => {
    const { raw, wranglerGzip } = await dryRunDeploy('relay', RELAY_WORKER);
    if (wranglerGzip > WORKER_FREE_LIMIT) throw new Error(`relay Worker is ${kb(wranglerGzip)} gzip, over the Workers Free 3 MB limit`);
    return `relay Worker: ${kb(raw)} raw, ${kb(wranglerGzip)} gzip (budget 120 kB)`;
  });
}

if (existsSync(WORKER_TYPES_CHECK)) {
  await step('wrangler types drift (relay)', async () => {
    await runNode('check-worker-types', WORKER_TYPES_CHECK, [], { env: toolEnv() });
    return 'worker-configuration.d.ts up to date';
  });
}

finish(0);
