import { nextBin, runToCompletion, startNode, tsxArgs, waitForHttp, type Service } from './processes';
import { E2E, appEnv, issuerEnv } from './stack';

// Starts the stack the browser tests run against: the local Logto-compatible issuer and the *built*
// app (`next build && next start`), the way it runs in production. E2E_SKIP_BUILD=1 reuses .next/.
export default async function setup() {
  const services: Service[] = [];
  const stopAll = () => Promise.all(services.map((s) => s.stop()));
  try {
    if (process.env.E2E_SKIP_BUILD !== '1') {
      await runToCompletion('next build', [nextBin, 'build'], appEnv());
    }
    const issuer = startNode('issuer', tsxArgs('dev/issuer/server.ts'), issuerEnv());
    services.push(issuer);
    await waitForHttp(`${E2E.issuerUrl}/.well-known/openid-configuration`, issuer);
    const app = startNode('app', [nextBin, 'start', '--port', String(E2E.appPort)], appEnv());
    services.push(app);
    await waitForHttp(`${E2E.appUrl}/`, app);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return async () => {
    await stopAll();
  };
}
