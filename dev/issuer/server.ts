import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAsCommand } from '../cli';
import { demoUsers } from './accounts';
import { loadIssuerConfig } from './config';
import { createInteractionHandler } from './interactions';
import { createProvider } from './provider';

export const ISSUER_PATH = '/oidc';

export interface StartIssuerOptions {
  /** Port to listen on (0 = any free port). Default: ISSUER_PORT from env, else 3001. */
  port?: number;
  /** Origin the issuer names itself by. Default: `http://localhost:<listening port>`. */
  issuerOrigin?: string;
  /** Environment to read the DEV_ISSUER_* and SMS_RELAY_* variables from. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Where the start line and (without an SMS relay) one-time codes go. Default: console.log. */
  log?: (line: string) => void;
}

export interface RunningIssuer {
  /** The issuer identifier, e.g. `http://localhost:3001/oidc`. */
  url: string;
  close(): Promise<void>;
}

// oidc-provider derives its mount path from `originalUrl` minus `url`, so links it builds keep the `/oidc` prefix.
function stripIssuerPrefix(req: IncomingMessage & { originalUrl?: string }): boolean {
  const raw = req.url ?? '/';
  if (raw !== ISSUER_PATH && !raw.startsWith(`${ISSUER_PATH}/`) && !raw.startsWith(`${ISSUER_PATH}?`)) return false;
  const rest = raw.slice(ISSUER_PATH.length);
  req.originalUrl = raw;
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
  return true;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function describeUsers(): string {
  return demoUsers
    .map((user) => {
      const roles = user.roles.length ? `roles: ${user.roles.join(', ')}` : 'no roles';
      return `${user.username} / ${user.password} (phone ${user.phone}, ${roles})`;
    })
    .join('; ');
}

export async function startIssuer(options: StartIssuerOptions = {}): Promise<RunningIssuer> {
  const config = loadIssuerConfig(options.env ?? process.env);
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? config.port;

  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (!handle) return sendJson(res, 503, { error: 'starting' });
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  // The issuer URL embeds the real port, so the provider can only be built once listening succeeded.
  const listeningPort = (server.address() as AddressInfo).port;
  const origin = (options.issuerOrigin ?? `http://localhost:${listeningPort}`).replace(/\/$/, '');
  const issuer = `${origin}${ISSUER_PATH}`;
  const provider = createProvider(config, issuer);
  const providerCallback = provider.callback();
  const handleInteraction = createInteractionHandler({ provider, smsRelay: config.smsRelay, log });

  handle = (req, res) => {
    if (stripIssuerPrefix(req)) {
      void providerCallback(req, res);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path?.startsWith('/interaction/')) {
      handleInteraction(req, res).catch((error: unknown) => {
        console.error('[dev-issuer] interaction failed', error);
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'sign-in step failed' });
        else res.end();
      });
      return;
    }
    if (path === '/') {
      res.writeHead(302, { location: `${ISSUER_PATH}/.well-known/openid-configuration` });
      res.end();
      return;
    }
    sendJson(res, 404, { error: 'not_found', error_description: `no route for ${path ?? '/'}` });
  };

  log(`[dev-issuer] issuer ${issuer} ready; demo users: ${describeUsers()}`);

  return {
    url: issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

runAsCommand(import.meta.url, '[dev-issuer]', async () => {
  try {
    return await startIssuer();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error('port already in use: set ISSUER_PORT to a free port or stop the other process');
    }
    throw error;
  }
});
