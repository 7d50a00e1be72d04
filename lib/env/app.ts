import * as z from 'zod/mini';
import { booleanFlag, httpUrl, parseEnv } from './parse';

// The app's environment, validated once per runtime (Node server, edge middleware). Kept on zod/mini so
// the edge middleware bundle stays small. next.config.ts calls loadAppEnv() so `next build`, `next dev`
// and `next start` fail before serving anything when a variable is missing or malformed.
const appEnvSchema = z
  .object({
    AUTH_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters of randomness')),
    AUTH_LOGTO_ISSUER: httpUrl('the exact `issuer` from discovery, e.g. https://tenant.logto.app/oidc').check(
      z.refine((value) => !value.endsWith('/'), 'must not end with a slash: it has to equal the discovery `issuer` exactly'),
    ),
    AUTH_LOGTO_ID: z.string().check(z.minLength(1)),
    AUTH_LOGTO_SECRET: z.string().check(z.minLength(1)),
    AUTH_TRUST_HOST: z.optional(booleanFlag),
    AUTH_URL: z.optional(httpUrl('the public origin of this app')),
    OPERATOR_ROLE: z._default(z.string().check(z.regex(/^[\w:.-]+$/, 'must be a Logto role name')), 'operator'),
    KV_REST_API_URL: z.optional(httpUrl('Upstash Redis REST URL')),
    KV_REST_API_TOKEN: z.optional(z.string()),
    SMS_RELAY_URL: z.optional(httpUrl('the Worker relay endpoint, …/v1/logto/sms')),
    SMS_RELAY_TOKEN: z.optional(z.string()),
    // The Worker's HMAC key: the console hashes a typed phone number with it to filter the log.
    PHONE_HASH_KEY: z.optional(z.string().check(z.minLength(16, 'must be the same 16+ character key the relay Worker uses'))),
    // Reads hide records older than this; keep it equal to the Worker's DELIVERY_RETENTION_DAYS.
    DELIVERY_RETENTION_DAYS: z._default(
      z.pipe(
        z.string().check(z.regex(/^\d{1,4}$/, 'must be a whole number of days from 1 to 3650')),
        z.transform(Number),
      ).check(z.refine((days) => days >= 1 && days <= 3650, 'must be a whole number of days from 1 to 3650')),
      30,
    ),
  })
  .check(
    z.superRefine((env, ctx) => {
      for (const [url, token] of [
        ['KV_REST_API_URL', 'KV_REST_API_TOKEN'],
        ['SMS_RELAY_URL', 'SMS_RELAY_TOKEN'],
      ] as const) {
        if ((env[url] === undefined) !== (env[token] === undefined)) {
          const missing = env[url] === undefined ? url : token;
          ctx.addIssue({ code: 'custom', path: [missing], message: `is required when ${missing === url ? token : url} is set` });
        }
      }
    }),
  );

export type AppEnv = z.output<typeof appEnvSchema>;

const fixes = {
  AUTH_SECRET: 'run `npx auth secret`, or `npm run dev` which writes a dev secret to .env.local',
  AUTH_LOGTO_ISSUER: 'copy the issuer from your Logto app: "OpenID Provider configuration endpoint" minus /.well-known/openid-configuration',
  AUTH_LOGTO_ID: 'Logto Console > Applications > your app > App ID',
  AUTH_LOGTO_SECRET: 'Logto Console > Applications > your app > App secrets',
  AUTH_TRUST_HOST: 'set to true off Vercel (Cloudflare, Docker, next start behind a proxy)',
  KV_REST_API_URL: 'Upstash console > your database > REST API, or the Vercel Marketplace Upstash integration',
  PHONE_HASH_KEY: 'copy PHONE_HASH_KEY from the relay Worker (wrangler secret); without it the console cannot search by number',
};

let cached: AppEnv | undefined;

export function loadAppEnv(source: Record<string, string | undefined> = process.env): AppEnv {
  if (source === process.env && cached) return cached;
  // Upstash's own names are accepted as aliases of the Vercel Marketplace names.
  const withAliases = {
    ...source,
    KV_REST_API_URL: source.KV_REST_API_URL || source.UPSTASH_REDIS_REST_URL,
    KV_REST_API_TOKEN: source.KV_REST_API_TOKEN || source.UPSTASH_REDIS_REST_TOKEN,
  };
  const env = parseEnv('app', appEnvSchema, withAliases, fixes);
  if (source === process.env) cached = env;
  return env;
}
