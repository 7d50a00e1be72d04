import { nextBin, runToCompletion, startStack } from './processes';
import { appEnv, e2eRedisUrl, planE2EStack } from './stack';
import { emptyRedisDatabase } from '../support/redis';

// The stack the browser tests run against: store, SMS Aero simulator, the relay Worker on workerd, the local
// Logto-compatible issuer and the *built* app (`next build && next start`), the way it runs in production.
// E2E_SKIP_BUILD=1 reuses .next/.
export default async function setup() {
  if (process.env.E2E_SKIP_BUILD !== '1') {
    await runToCompletion('next build', [nextBin, 'build'], appEnv());
  }
  await emptyRedisDatabase(e2eRedisUrl);
  const stack = await startStack(planE2EStack('built').services);
  return stack.stop;
}
