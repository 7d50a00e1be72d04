// The local stack as data: which stand-ins run, on which ports, with which settings, and the variables the
// app and the other parts use to reach them. `npm run dev` (dev/start.ts) and the e2e setup
// (tests/e2e/global-setup.ts) both start what this plans, so they cannot drift apart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** A package's file even when its package.json `exports` hides it (wrangler exposes no bin path). */
const packageFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);
export const projectRoot = join(import.meta.dirname, '..');

export type StackPorts = { app: number; issuer: number; worker: number; simulator: number; store: number };
export const DEV_PORTS: StackPorts = { app: 3000, issuer: 3001, worker: 8787, simulator: 8788, store: 8079 };

/** Fixed, public, local-only values: the stand-ins need *some* shared secrets; production ones come from env. */
export const LOCAL_SECRETS = {
  issuerClientId: 'logto-dev-app',
  issuerClientSecret: 'logto-dev-secret',
  storeToken: 'dev-store-token',
  relayToken: 'dev-relay-token-change-me',
  callbackToken: 'dev-callback-token-change-me',
  phoneHashKey: 'dev-phone-hash-key-change-me',
  smsAeroEmail: 'dev@example.test',
  smsAeroApiKey: 'dev-smsaero-key',
};

export const LOCAL_CONNECTOR = {
  email: LOCAL_SECRETS.smsAeroEmail,
  apiKey: LOCAL_SECRETS.smsAeroApiKey,
  senderName: 'SMS Aero',
  templates: [
    { usageType: 'SignIn', content: 'Your sign-in code is {{code}}' },
    { usageType: 'Register', content: 'Your registration code is {{code}}' },
    { usageType: 'ForgotPassword', content: 'Your password reset code is {{code}}' },
    { usageType: 'Generic', content: 'Your code is {{code}}' },
  ],
};

export type ServiceSpec = {
  name: 'store' | 'simulator' | 'worker' | 'issuer' | 'app';
  /** Node arguments (run with the project's pinned Node), or null when the real service is configured. */
  args: string[] | null;
  /** Why it is not started (what is used instead). */
  external?: string;
  env: Record<string, string>;
  /** GET this until it answers < 500. */
  readyUrl?: string;
};

export type StackOptions = {
  ports: StackPorts;
  /** The user's environment (process env + .env files): anything configured here replaces a stand-in. */
  env: Record<string, string | undefined>;
  /** 'dev' runs `next dev`; 'built' runs `next start` on a finished `next build`; 'none' leaves the app out. */
  app: 'dev' | 'built' | 'none';
  /** Extra settings per service (e.g. short token lifetimes in tests). */
  overrides?: Partial<Record<ServiceSpec['name'], Record<string, string>>>;
  /** Where generated files (the Worker's env file) go. */
  dataDir?: string;
};

const tsx = (file: string) => ['--import', 'tsx', file];

export function planStack(options: StackOptions): { services: ServiceSpec[]; appEnv: Record<string, string> } {
  const { ports, env } = options;
  const overrides = options.overrides ?? {};
  const dataDir = options.dataDir ?? join(projectRoot, 'dev', '.data');
  const local = (port: number) => `http://127.0.0.1:${port}`;

  const storeConfigured = Boolean(env.KV_REST_API_URL || env.UPSTASH_REDIS_REST_URL);
  const storeUrl = env.KV_REST_API_URL || env.UPSTASH_REDIS_REST_URL || local(ports.store);
  const storeToken = env.KV_REST_API_TOKEN || env.UPSTASH_REDIS_REST_TOKEN || LOCAL_SECRETS.storeToken;

  const relayConfigured = Boolean(env.SMS_RELAY_URL);
  const relayUrl = env.SMS_RELAY_URL || `${local(ports.worker)}/v1/logto/sms`;
  const relayToken = env.SMS_RELAY_TOKEN || LOCAL_SECRETS.relayToken;
  const phoneHashKey = env.PHONE_HASH_KEY || LOCAL_SECRETS.phoneHashKey;

  const smsAeroConfigured = Boolean(env.SMSAERO_CONNECTOR);
  const issuerConfigured = Boolean(env.AUTH_LOGTO_ISSUER);

  const services: ServiceSpec[] = [
    {
      name: 'store',
      args: storeConfigured ? null : tsx('dev/store/server.ts'),
      external: `Upstash Redis at ${storeUrl}`,
      env: { STORE_PORT: String(ports.store), STORE_TOKEN: storeToken, ...(env.REDIS_URL ? { REDIS_URL: env.REDIS_URL } : {}), ...overrides.store },
      readyUrl: `${local(ports.store)}/`,
    },
    {
      name: 'simulator',
      args: smsAeroConfigured || relayConfigured ? null : tsx('dev/smsaero-simulator/server.ts'),
      external: relayConfigured ? 'the SMS Aero account of the configured relay' : 'SMS Aero (SMSAERO_CONNECTOR is set)',
      env: {
        SMSAERO_SIM_PORT: String(ports.simulator),
        SMSAERO_SIM_EMAIL: LOCAL_SECRETS.smsAeroEmail,
        SMSAERO_SIM_API_KEY: LOCAL_SECRETS.smsAeroApiKey,
        ...overrides.simulator,
      },
      readyUrl: `${local(ports.simulator)}/dev/inbox`,
    },
  ];

  if (relayConfigured) {
    services.push({ name: 'worker', args: null, external: `the SMS relay Worker at ${relayUrl}`, env: {} });
  } else {
    const workerEnv: Record<string, string> = {
      SMSAERO_CONNECTOR: env.SMSAERO_CONNECTOR || JSON.stringify(LOCAL_CONNECTOR),
      SMSAERO_API_URL: env.SMSAERO_API_URL || (smsAeroConfigured ? 'https://gate.smsaero.ru/v2' : `${local(ports.simulator)}/v2`),
      SMS_RELAY_TOKEN: relayToken,
      CALLBACK_TOKEN: env.CALLBACK_TOKEN || LOCAL_SECRETS.callbackToken,
      PUBLIC_URL: env.PUBLIC_URL || local(ports.worker),
      PHONE_HASH_KEY: phoneHashKey,
      KV_REST_API_URL: storeUrl,
      KV_REST_API_TOKEN: storeToken,
      ...pick(env, ['FORWARD_URL', 'FORWARD_SECRET', 'FORWARD_MAX_ATTEMPTS', 'DELIVERY_RETENTION_DAYS', 'SMSAERO_CALLBACK_FORMAT']),
      // The SMS-pumping policy (SMS_ALLOWED_COUNTRY_CODES, SMS_LIMIT_*, SMS_DAILY_CAP_*, …), as configured.
      ...pickPrefixed(env, ['SMS_ALLOWED_', 'SMS_LIMIT', 'SMS_PREFIX_', 'SMS_DAILY_CAP_']),
      ...overrides.worker,
    };
    // JSON values (the connector) do not survive `--var KEY:VALUE` quoting; an env file carries them verbatim.
    mkdirSync(dataDir, { recursive: true });
    const envFile = join(dataDir, `worker-${ports.worker}.dev.vars`);
    writeFileSync(envFile, Object.entries(workerEnv).map(([k, v]) => `${k}=${dotenvQuote(k, v)}`).join('\n') + '\n');
    services.push({
      name: 'worker',
      args: [
        packageFile('wrangler', 'bin/wrangler.js'),
        'dev',
        '-c',
        'workers/sms-aero/wrangler.toml',
        '--port',
        String(ports.worker),
        '--ip',
        '127.0.0.1',
        '--env-file',
        envFile,
        '--show-interactive-dev-session=false',
        '--persist-to',
        join(dataDir, `wrangler-${ports.worker}`),
      ],
      env: { WRANGLER_SEND_METRICS: 'false' },
      readyUrl: `${local(ports.worker)}/healthz`,
    });
  }

  const issuerUrl = env.AUTH_LOGTO_ISSUER || `http://localhost:${ports.issuer}/oidc`;
  const appOrigins = [`http://localhost:${ports.app}`, `http://127.0.0.1:${ports.app}`].join(',');
  services.push({
    name: 'issuer',
    args: issuerConfigured ? null : tsx('dev/issuer/server.ts'),
    external: `Logto at ${issuerUrl}`,
    env: {
      ISSUER_PORT: String(ports.issuer),
      DEV_ISSUER_CLIENT_ID: LOCAL_SECRETS.issuerClientId,
      DEV_ISSUER_CLIENT_SECRET: LOCAL_SECRETS.issuerClientSecret,
      DEV_ISSUER_APP_ORIGINS: appOrigins,
      // Phone sign-in codes travel like Logto's: HTTP SMS connector → relay Worker → SMS Aero.
      SMS_RELAY_URL: relayUrl,
      SMS_RELAY_TOKEN: relayToken,
      ...overrides.issuer,
    },
    readyUrl: `${issuerUrl}/.well-known/openid-configuration`,
  });

  const appEnv: Record<string, string> = {
    AUTH_LOGTO_ISSUER: issuerUrl,
    AUTH_LOGTO_ID: env.AUTH_LOGTO_ID || LOCAL_SECRETS.issuerClientId,
    AUTH_LOGTO_SECRET: env.AUTH_LOGTO_SECRET || LOCAL_SECRETS.issuerClientSecret,
    KV_REST_API_URL: storeUrl,
    KV_REST_API_TOKEN: storeToken,
    SMS_RELAY_URL: relayUrl,
    SMS_RELAY_TOKEN: relayToken,
    PHONE_HASH_KEY: phoneHashKey,
    ...pick(env, ['SMS_LIMITS_KEY_PREFIX', 'DELIVERY_RETENTION_DAYS']),
    NEXT_TELEMETRY_DISABLED: '1',
    ...overrides.app,
  };
  if (options.app !== 'none') {
    const next = require.resolve('next/dist/bin/next');
    services.push({
      name: 'app',
      args: [next, options.app === 'dev' ? 'dev' : 'start', '--port', String(ports.app)],
      env: appEnv,
      readyUrl: `http://localhost:${ports.app}/`,
    });
  }
  return { services, appEnv };
}

function pickPrefixed(env: Record<string, string | undefined>, prefixes: string[]): Record<string, string> {
  return pick(env, Object.keys(env).filter((name) => prefixes.some((prefix) => name.startsWith(prefix))));
}

function pick(env: Record<string, string | undefined>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])));
}

/** dotenv keeps single-quoted values verbatim (no escapes), which is what JSON needs. */
function dotenvQuote(name: string, value: string): string {
  if (value.includes("'") || value.includes('\n')) throw new Error(`${name}: values with single quotes or newlines cannot go into a dotenv file`);
  return `'${value}'`;
}
