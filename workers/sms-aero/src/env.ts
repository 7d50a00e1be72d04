import * as z from 'zod/mini';

import { EnvError, httpUrl, parseEnv } from '../../../lib/env/parse';
import { LIMIT_POLICY_VARIABLES, LimitPolicyError, parseLimitPolicy, type LimitPolicy, type LimitPolicyVariable } from '../../../lib/limits';
import { parseConnectorConfig, type SmsAeroConnectorConfig } from '../../../lib/smsaero';
import { decodeWebhookSecret, WebhookSecretError } from './forward/standard-webhooks';
import { log } from './log';

/** Secrets and optional settings: set with `wrangler secret put` or .dev.vars, so they are not in the
 * generated Env (which only knows wrangler.toml). Every one is validated below. */
export type WorkerSecrets = Partial<
  Record<
    | 'SMSAERO_CONNECTOR'
    | 'SMSAERO_API_URL'
    | 'SMSAERO_CALLBACK_FORMAT'
    | 'SMS_RELAY_TOKEN'
    | 'CALLBACK_TOKEN'
    | 'PUBLIC_URL'
    | 'PHONE_HASH_KEY'
    | 'KV_REST_API_URL'
    | 'KV_REST_API_TOKEN'
    | 'UPSTASH_REDIS_REST_URL'
    | 'UPSTASH_REDIS_REST_TOKEN'
    | 'FORWARD_URL'
    | 'FORWARD_SECRET'
    | 'FORWARD_MAX_ATTEMPTS'
    | 'DELIVERY_RETENTION_DAYS'
    // SMS-pumping policy (lib/limits/policy.ts): every one optional, with a default.
    | LimitPolicyVariable,
    string
  >
>;

export type Bindings = Omit<Env, keyof WorkerSecrets> & WorkerSecrets;

const secretToken = (what: string) =>
  z.string().check(z.minLength(16, `must be at least 16 characters (${what}); generate one with \`openssl rand -hex 24\``));

const integer = (min: number, max: number, fallback: number) =>
  z.prefault(
    z.pipe(
      z.string().check(z.regex(/^\d{1,6}$/, `must be a whole number from ${min} to ${max}`)),
      z.transform(Number),
    ).check(z.refine((value) => value >= min && value <= max, `must be a whole number from ${min} to ${max}`)),
    String(fallback),
  );

const withoutTrailingSlash = z.transform((value: string) => value.replace(/\/+$/, ''));

const workerEnvSchema = z
  .object({
    SMSAERO_CONNECTOR: z.pipe(
      z.string(),
      z.transform((text, ctx) => {
        const parsed = parseConnectorConfig(text);
        if (parsed.ok) return parsed.config;
        ctx.issues.push({ code: 'custom', input: '[redacted]', message: `is not a valid SMS Aero connector config: ${parsed.errors.join('; ')}` });
        return z.NEVER;
      }),
    ),
    SMSAERO_API_URL: z.optional(z.pipe(httpUrl('the SMS Aero API v2 base, e.g. https://gate.smsaero.ru/v2'), withoutTrailingSlash)),
    SMSAERO_CALLBACK_FORMAT: z._default(
      z.pipe(
        z.string().check(z.refine((value) => /^(json|form)$/i.test(value), 'must be JSON or FORM')),
        z.transform((value) => value.toUpperCase() as 'JSON' | 'FORM'),
      ),
      'FORM',
    ),
    SMS_RELAY_TOKEN: secretToken('the Authorization value of Logto\'s HTTP SMS connector'),
    CALLBACK_TOKEN: z.string().check(
      z.regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 URL-safe characters (A–Z, a–z, 0–9, "_", "-"); generate one with `openssl rand -hex 24`'),
    ),
    PUBLIC_URL: z.pipe(httpUrl("this Worker's public origin, e.g. https://sms-aero-relay.example.workers.dev"), withoutTrailingSlash),
    PHONE_HASH_KEY: secretToken('the HMAC key for phone lookups; keep it stable or old records stop matching'),
    KV_REST_API_URL: httpUrl('the Upstash Redis REST URL'),
    KV_REST_API_TOKEN: z.string().check(z.minLength(1)),
    FORWARD_URL: z.optional(httpUrl('where delivery statuses are forwarded as Standard Webhooks')),
    FORWARD_SECRET: z.optional(
      z.string().check(
        z.superRefine((value, ctx) => {
          try {
            decodeWebhookSecret(value);
          } catch (error) {
            if (!(error instanceof WebhookSecretError)) throw error;
            ctx.issues.push({ code: 'custom', input: '[redacted]', message: `${error.message} (a Standard Webhooks secret, whsec_<base64>)` });
          }
        }),
      ),
    ),
    FORWARD_MAX_ATTEMPTS: integer(1, 100, 8),
    DELIVERY_RETENTION_DAYS: integer(1, 3650, 30),
  })
  .check(
    z.superRefine((env, ctx) => {
      if (env.FORWARD_URL !== undefined && env.FORWARD_SECRET === undefined) {
        ctx.issues.push({ code: 'custom', input: undefined, path: ['FORWARD_SECRET'], message: 'is required when FORWARD_URL is set' });
      }
    }),
  );

export type WorkerEnv = Omit<z.output<typeof workerEnvSchema>, 'SMSAERO_CONNECTOR'> & {
  SMSAERO_CONNECTOR: SmsAeroConnectorConfig;
  /** The SMS-pumping policy from the SMS_* limit variables. */
  limits: LimitPolicy;
};

const fixes: Partial<Record<string, string>> = {
  SMSAERO_CONNECTOR: 'paste the SMS Aero connector JSON from Logto: {"email","apiKey","senderName","templates":[{"usageType","content"}]}',
  KV_REST_API_URL: 'Upstash console > your database > REST API (UPSTASH_REDIS_REST_URL is accepted too)',
  KV_REST_API_TOKEN: 'Upstash console > your database > REST API (UPSTASH_REDIS_REST_TOKEN is accepted too)',
  PUBLIC_URL: 'the URL this Worker is reachable at; SMS Aero posts delivery statuses to it',
};

const STRING_KEYS = [
  'SMSAERO_CONNECTOR',
  'SMSAERO_API_URL',
  'SMSAERO_CALLBACK_FORMAT',
  'SMS_RELAY_TOKEN',
  'CALLBACK_TOKEN',
  'PUBLIC_URL',
  'PHONE_HASH_KEY',
  'KV_REST_API_URL',
  'KV_REST_API_TOKEN',
  'FORWARD_URL',
  'FORWARD_SECRET',
  'FORWARD_MAX_ATTEMPTS',
  'DELIVERY_RETENTION_DAYS',
] as const;

/** Validates the Worker's variables; throws EnvError naming each bad one (never quoting a value). */
export function parseWorkerEnv(bindings: Bindings): WorkerEnv {
  const source: Record<string, string | undefined> = {};
  for (const key of STRING_KEYS) {
    const value: unknown = bindings[key];
    source[key] = typeof value === 'string' ? value : undefined;
  }
  // Upstash's own names are accepted as aliases of the Vercel Marketplace names, as in the app.
  source.KV_REST_API_URL ||= bindings.UPSTASH_REDIS_REST_URL;
  source.KV_REST_API_TOKEN ||= bindings.UPSTASH_REDIS_REST_TOKEN;

  const problems: EnvError['problems'][number][] = [];
  let parsed: Omit<WorkerEnv, 'limits'> | undefined;
  try {
    parsed = parseEnv('Worker', workerEnvSchema, source, fixes) as Omit<WorkerEnv, 'limits'>;
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    problems.push(...error.problems);
  }
  let limits: LimitPolicy | undefined;
  try {
    const policySource: Record<string, string | undefined> = {};
    for (const key of LIMIT_POLICY_VARIABLES) {
      const value: unknown = bindings[key];
      policySource[key] = typeof value === 'string' ? value : undefined;
    }
    limits = parseLimitPolicy(policySource);
  } catch (error) {
    if (!(error instanceof LimitPolicyError)) throw error;
    problems.push(...error.problems.map(({ variable, problem }) => ({ variable, problem, fix: 'see workers/sms-aero/.dev.vars.example' })));
  }
  if (problems.length > 0 || parsed === undefined || limits === undefined) throw new EnvError('Worker', problems);
  return { ...parsed, limits };
}

export type EnvResult = { ok: true; env: WorkerEnv } | { ok: false; variables: string[] };

// workerd hands the same env object to every request of an isolate, so validation runs once per
// isolate; tests that pass their own env object get their own entry.
const cache = new WeakMap<object, EnvResult>();
const reported = new Set<string>();

export function loadWorkerEnv(bindings: Bindings): EnvResult {
  const cached = cache.get(bindings);
  if (cached) return cached;
  let result: EnvResult;
  try {
    result = { ok: true, env: parseWorkerEnv(bindings) };
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    const variables = [...new Set(error.problems.map((problem) => problem.variable))];
    result = { ok: false, variables };
    const signature = variables.join(',');
    if (!reported.has(signature)) {
      reported.add(signature);
      // Problems describe what is wrong, never the value, so they are safe to log.
      log.error('env.invalid', { variables, problems: error.problems.map((p) => `${p.variable}: ${p.problem}`) });
    }
  }
  cache.set(bindings, result);
  return result;
}
