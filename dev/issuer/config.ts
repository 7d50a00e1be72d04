import { z } from 'zod';

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

const seconds = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .positive('must be a positive number of seconds')
    .default(fallback);

const origin = z.string().transform((value, ctx) => {
  const parsed = URL.parse(value.trim());
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== value.trim().replace(/\/$/, '')) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an origin like http://localhost:3000` });
    return z.NEVER;
  }
  return parsed.origin;
});

const envSchema = z.object({
  ISSUER_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number')
    .max(65535, 'must be a port number')
    .default(3001),
  DEV_ISSUER_CLIENT_ID: z.string().min(1).default('logto-dev-app'),
  DEV_ISSUER_CLIENT_SECRET: z.string().min(1).default('logto-dev-secret'),
  DEV_ISSUER_APP_ORIGINS: z
    .string()
    .default('http://localhost:3000,http://127.0.0.1:3000')
    .transform((list) => list.split(',').map((item) => item.trim()).filter(Boolean))
    .pipe(z.array(origin).min(1, 'must list at least one origin')),
  DEV_ISSUER_ACCESS_TOKEN_TTL: seconds(3600),
  DEV_ISSUER_ID_TOKEN_TTL: seconds(3600),
  DEV_ISSUER_REFRESH_TOKEN_TTL: seconds(FOURTEEN_DAYS),
  SMS_RELAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  SMS_RELAY_TOKEN: z.string().min(1).optional(),
});

export interface IssuerConfig {
  port: number;
  clientId: string;
  clientSecret: string;
  appOrigins: string[];
  accessTokenTtl: number;
  idTokenTtl: number;
  refreshTokenTtl: number;
  smsRelay?: { url: string; token?: string };
}

export class IssuerConfigError extends Error {
  override name = 'IssuerConfigError';
}

// `.env` files often carry `NAME=` lines: an empty value means "use the default", not "invalid".
function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

export function loadIssuerConfig(env: Record<string, string | undefined>): IssuerConfig {
  const result = envSchema.safeParse(withoutEmptyValues(env));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${String(issue.path[0] ?? 'env')}: ${issue.message}`);
    throw new IssuerConfigError(`dev issuer: invalid environment: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  return {
    port: parsed.ISSUER_PORT,
    clientId: parsed.DEV_ISSUER_CLIENT_ID,
    clientSecret: parsed.DEV_ISSUER_CLIENT_SECRET,
    appOrigins: parsed.DEV_ISSUER_APP_ORIGINS,
    accessTokenTtl: parsed.DEV_ISSUER_ACCESS_TOKEN_TTL,
    idTokenTtl: parsed.DEV_ISSUER_ID_TOKEN_TTL,
    refreshTokenTtl: parsed.DEV_ISSUER_REFRESH_TOKEN_TTL,
    ...(parsed.SMS_RELAY_URL !== undefined
      ? { smsRelay: { url: parsed.SMS_RELAY_URL, ...(parsed.SMS_RELAY_TOKEN ? { token: parsed.SMS_RELAY_TOKEN } : {}) } }
      : {}),
  };
}
