import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runToCompletion, startNode, startStack, waitForHttp, type Service } from './processes';
import { E2E, E2E_PORTS, appEnv, e2eRedisUrl, planE2EStack } from './stack';
import { emptyRedisDatabase } from '../support/redis';

// The same stack as global-setup.ts, but the app is the Cloudflare build: `opennextjs-cloudflare build`, served
// by `wrangler dev` on workerd, so "works on Cloudflare" is tested, not assumed. The e2e settings go in as
// process env at build time and as Worker vars at runtime — never through .env.local, which OpenNext would bake
// into the bundle. E2E_SKIP_BUILD=1 reuses .open-next/.
const buildScript = join(root, 'scripts', 'deploy', 'build-cf.mjs');
const wranglerBin = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** A dotenv file for `wrangler dev --env-file`: with it, wrangler ignores .dev.vars and .env.local. */
function envFileContents(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${/^[\w:/.@-]*$/.test(value) ? value : JSON.stringify(value)}`)
    .join('\n');
}

export default async function setup() {
  const services: Service[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'e2e-cf-'));
  const stopAll = async () => {
    await Promise.all(services.map((s) => s.stop()));
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    if (process.env.E2E_SKIP_BUILD !== '1') {
      // --exclude-local-env: a developer's .env.local (written by `npm run dev`) must neither block the test
      // build nor end up in it; the script rewrites the baked .env module and fails if a secret leaked.
      await runToCompletion('opennext build', [buildScript, '--exclude-local-env'], appEnv());
    }
    await emptyRedisDatabase(e2eRedisUrl);
    const stack = await startStack(planE2EStack('none').services);
    services.push(...stack.services);

    const envFile = join(scratch, 'app.env');
    writeFileSync(envFile, envFileContents(appEnv()));
    const app = startNode(
      'app-workerd',
      [
        wranglerBin,
        'dev',
        '--config',
        join(root, 'wrangler.toml'),
        '--local',
        '--port',
        String(E2E_PORTS.app),
        '--env-file',
        envFile,
        '--persist-to',
        join(scratch, 'state'),
        '--show-interactive-dev-session=false',
      ],
      {},
    );
    services.push(app);
    // The first request bundles nothing (wrangler did that at start) but instantiates the ~7 MB Worker.
    await waitForHttp(`${E2E.appUrl}/`, app, 120_000);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
