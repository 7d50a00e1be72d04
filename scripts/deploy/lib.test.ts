import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_STAND_INS,
  STAND_IN_MARKER,
  findInFiles,
  localEnvRefusal,
  localSecretValues,
  nextEnvModule,
  presentLocalEnvFiles,
  rewriteNextEnvWithoutLocalFiles,
  root,
} from './lib.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-lib-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
};

async function importFresh(file: string): Promise<Record<string, Record<string, string>>> {
  return import(`${pathToFileURL(file).href}?t=${Date.now()}-${Math.random()}`);
}

describe('the OpenNext .env pitfall this guards against', () => {
  it('still exists: opennextjs-cloudflare bakes .env.local into the production bundle', async () => {
    // If OpenNext stops doing this, the guard and the rewrite can go (docs/decisions/008).
    const { compileEnvFiles } = await import(
      pathToFileURL(join(root, 'node_modules/@opennextjs/cloudflare/dist/cli/build/open-next/compile-env-files.js')).href
    );
    write('.env.local', 'AUTH_SECRET=local-secret-value-123456\n');
    compileEnvFiles({ outputDir: join(dir, '.open-next'), monorepoRoot: dir, appPath: dir });
    const baked = await importFresh(nextEnvModule(dir));
    expect(baked.production).toEqual({ AUTH_SECRET: 'local-secret-value-123456' });
  });
});

describe('presentLocalEnvFiles', () => {
  it('lists the git-ignored env files that exist, not committed or example ones', () => {
    write('.env.local', 'A=1');
    write('.env.production.local', 'A=1');
    write('.env.production', 'A=1');
    write('.env.example', 'A=1');
    write('.dev.vars', 'A=1');
    expect(presentLocalEnvFiles(dir)).toEqual(['.env.local', '.env.production.local']);
  });

  it('is empty in a clean clone', () => {
    expect(presentLocalEnvFiles(dir)).toEqual([]);
  });
});

describe('localEnvRefusal', () => {
  it('names the files and where runtime values go instead', () => {
    const message = localEnvRefusal(['.env.local']);
    expect(message).toContain('.env.local present');
    expect(message).toContain('.dev.vars');
    expect(message).toContain('wrangler secret put');
    // The suggested parking name must be one nothing loads and git still ignores (.gitignore has .env*.local).
    expect(message).toContain('mv .env.local .env.off.local');
  });
});

describe('rewriteNextEnvWithoutLocalFiles', () => {
  it('keeps committed .env.<mode> values and drops every local file', async () => {
    write('.env.local', 'AUTH_SECRET=local-secret-value-123456\n');
    write('.env.production', 'PUBLIC_FLAG=on\n');
    write('.env.test', 'ONLY_IN_TEST=yes\n');
    write('.open-next/cloudflare/next-env.mjs', 'export const production = {"AUTH_SECRET":"local-secret-value-123456"};\n');
    rewriteNextEnvWithoutLocalFiles(dir);
    const baked = await importFresh(nextEnvModule(dir));
    expect(baked.production).toEqual({ PUBLIC_FLAG: 'on' });
    expect(baked.development).toEqual({});
    expect(baked.test).toEqual({ ONLY_IN_TEST: 'yes' });
  });

  it('fails loudly when OpenNext no longer writes the module where we expect it', () => {
    expect(() => rewriteNextEnvWithoutLocalFiles(dir)).toThrow(/next-env\.mjs not found/);
  });
});

describe('leak scan', () => {
  it('collects long secret-like values from local env files only', () => {
    write('.env.local', ['AUTH_SECRET=abcdefghijklmnop', 'KV_REST_API_TOKEN=short', 'AUTH_LOGTO_ISSUER=https://t.logto.app/oidc'].join('\n'));
    write('.env.production', 'AUTH_LOGTO_SECRET=committed-but-not-local-1234');
    expect([...localSecretValues(dir)]).toEqual([['abcdefghijklmnop', 'AUTH_SECRET from .env.local']]);
  });

  it('finds a planted value in a nested bundle file and nothing in a clean tree', () => {
    write('out/a/chunk.js', 'const x = 1;');
    write('out/b/c/worker.js', `var s="${BUILD_STAND_INS.AUTH_SECRET}";`);
    const needles = new Map([[BUILD_STAND_INS.AUTH_SECRET, 'a build-time stand-in']]);
    const hits = findInFiles(join(dir, 'out'), needles);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/out\/b\/c\/worker\.js contains a build-time stand-in$/);
    rmSync(join(dir, 'out', 'b'), { recursive: true });
    expect(findInFiles(join(dir, 'out'), needles)).toEqual([]);
  });

  it('uses stand-ins that are obviously not real and pass the app env validation', async () => {
    const { loadAppEnv } = await import('../../lib/env/app');
    expect(Object.values(BUILD_STAND_INS).every((value) => value.includes(STAND_IN_MARKER))).toBe(true);
    expect(() => loadAppEnv({ ...BUILD_STAND_INS })).not.toThrow();
  });
});

describe('guard-env-local.mjs (chained before every build:cf)', () => {
  // A copy of the guard and its library in a scratch project, so the check runs against files we control.
  function runGuard(): Promise<{ code: number | null; stderr: string }> {
    mkdirSync(join(dir, 'scripts', 'deploy'), { recursive: true });
    for (const file of ['guard-env-local.mjs', 'lib.mjs']) copyFileSync(join(root, 'scripts', 'deploy', file), join(dir, 'scripts', 'deploy', file));
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(dir, 'scripts', 'deploy', 'guard-env-local.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('stops the build while .env.local exists', async () => {
    write('.env.local', 'AUTH_SECRET=local-secret-value-123456\n');
    const { code, stderr } = await runGuard();
    expect(code).toBe(1);
    expect(stderr).toContain('Refusing to build for Cloudflare: .env.local present');
  });

  it('lets a clean checkout through', async () => {
    write('.env.production', 'PUBLIC_FLAG=on\n');
    expect(await runGuard()).toEqual({ code: 0, stderr: '' });
  });
});
