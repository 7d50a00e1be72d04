// `npm run bench:auth` — what the edge session check costs: requests/s of a public page (signed out) and of
// a protected page (signed in), p50/p95, how many responses re-issued cookies, and the middleware's size.
//
// Builds nothing: run `next build` first (see bench/auth/README.md), under `flock /tmp/e2e.lock` like e2e.
// Starts the local issuer and `next start` from dev/stack.ts on ports of its own (app 3200, issuer 3201),
// signs in once over HTTP, then loads each page from 127.0.0.1 only. Numbers only: nothing asserts timings.
// Options: --duration=10 (s per page) --warmup=2 (s) --concurrency=16 --user=viewer --password=viewer-password
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

import { planStack, type ServiceSpec, type StackPorts } from '../../dev/stack';
import { CookieJar } from './cookie-jar';
import { runLoad, type LoadResult } from './load';
import { signIn } from './sign-in';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const DURATION_MS = Number(args.duration ?? 10) * 1000;
const WARMUP_MS = Number(args.warmup ?? 2) * 1000;
const CONCURRENCY = Number(args.concurrency ?? 16);
const USER = args.user ?? 'viewer';
const PASSWORD = args.password ?? `${USER}-password`;

const root = join(import.meta.dirname, '..', '..');
const logDir = join(root, 'test-results', 'bench-auth');
const PORTS: StackPorts = { app: 3200, issuer: 3201, worker: 3287, simulator: 3288, store: 3279 };
const appUrl = `http://localhost:${PORTS.app}`;

function checkBuild(): void {
  const buildId = join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) {
    console.error('No production build in .next/. Run `flock /tmp/e2e.lock npx next build` first (see bench/auth/README.md).');
    process.exit(2);
  }
  const builtAt = statSync(buildId).mtimeMs;
  const stale = ['middleware.ts', 'auth.config.ts', 'auth.ts'].filter((file) => existsSync(join(root, file)) && statSync(join(root, file)).mtimeMs > builtAt);
  if (stale.length) console.warn(`warning: ${stale.join(', ')} changed after the last next build; the numbers describe the old build`);
}

const children: ChildProcess[] = [];

function start(spec: ServiceSpec): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${spec.name}.log`);
  writeFileSync(logFile, '');
  const child = spawn(process.execPath, spec.args ?? [], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const keep = (chunk: Buffer) => appendFileSync(logFile, chunk);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  children.push(child);
  return child;
}

async function waitFor(url: string, child: ChildProcess, name: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}); see ${join(logDir, `${name}.log`)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      if (response.status < 500) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not answer at ${url}; see ${join(logDir, `${name}.log`)}`);
}

function stopAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    }
  }
}

function middlewareSize(): string {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'middleware-size.mjs')], { cwd: root, encoding: 'utf8' });
  return (result.stdout || result.stderr).trim();
}

const ms = (n: number) => n.toFixed(1).padStart(6);

function row(name: string, r: LoadResult): string {
  const statuses = Object.entries(r.statuses).map(([code, n]) => `${code}×${n}`).join(' ');
  return `| ${name.padEnd(32)} | ${r.requestsPerSecond.toFixed(0).padStart(6)} | ${ms(r.p50)} | ${ms(r.p95)} | ${`${r.withSetCookie}/${r.requests}`.padStart(15)} | ${String(r.withSessionCookie).padStart(14)} | ${statuses}${r.errors ? ` errors×${r.errors}` : ''} |`;
}

async function main(): Promise<void> {
  checkBuild();
  const plan = planStack({
    ports: PORTS,
    // Only the stand-ins: a developer's own configuration must not leak into the numbers.
    env: {},
    app: 'built',
    dataDir: join(logDir, 'data'),
    overrides: {
      // Long enough that no refresh happens mid-run: the bench measures the steady state.
      issuer: { DEV_ISSUER_ACCESS_TOKEN_TTL: '3600', DEV_ISSUER_ID_TOKEN_TTL: '3600' },
      app: { AUTH_SECRET: 'bench-only-secret-bench-only-secret-bench-only', AUTH_TRUST_HOST: 'true', AUTH_URL: appUrl },
    },
  });
  // The two pages need only the issuer (sign-in, discovery) and the app; the SMS parts stay off.
  for (const spec of plan.services.filter((s) => s.name === 'issuer' || s.name === 'app')) {
    if (!spec.args) continue;
    const child = start(spec);
    if (spec.readyUrl) await waitFor(spec.readyUrl, child, spec.name);
  }

  const signedIn = await signIn(appUrl, USER, PASSWORD);
  const common = { concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS };
  const publicPage = await runLoad({ ...common, url: `${appUrl}/`, jar: new CookieJar() });
  const protectedPage = await runLoad({ ...common, url: `${appUrl}/dashboard`, jar: signedIn });
  const publicSignedIn = await runLoad({ ...common, url: `${appUrl}/`, jar: signedIn });

  console.log(`\nnext start on :${PORTS.app}, Node ${process.version}, ${CONCURRENCY} clients, ${DURATION_MS / 1000} s per page after ${WARMUP_MS / 1000} s warm-up`);
  console.log(`| ${'page'.padEnd(32)} |  req/s | p50 ms | p95 ms | with Set-Cookie | session cookie | statuses |`);
  console.log(`|${'-'.repeat(34)}|--------|--------|--------|-----------------|----------------|----------|`);
  console.log(row('public / (signed out)', publicPage));
  console.log(row('protected /dashboard (signed in)', protectedPage));
  console.log(row('public / (signed in)', publicSignedIn));
  console.log(`ratio protected/public: ${(protectedPage.requestsPerSecond / publicPage.requestsPerSecond).toFixed(2)} (budget ≥ 0.85)`);
  console.log(middlewareSize());
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(stopAll);
