import * as z from 'zod/mini';

/** Thrown when configuration is missing or malformed; the message names every bad variable and how to fix it. */
export class EnvError extends Error {
  override name = 'EnvError';
  constructor(
    readonly runtime: string,
    readonly problems: ReadonlyArray<{ variable: string; problem: string; fix?: string }>,
  ) {
    super(
      `Invalid ${runtime} environment:\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}${p.fix ? ` (fix: ${p.fix})` : ''}`).join('\n'),
    );
  }
}

type Source = Record<string, string | undefined>;

/**
 * Validates `source` against `schema`. Empty strings count as unset, because `.env` files and dashboards
 * leave `NAME=` behind and "present but empty" is never a meaningful value here.
 */
export function parseEnv<S extends z.ZodMiniType>(
  runtime: string,
  schema: S,
  source: Source,
  fixes: Partial<Record<string, string>> = {},
): z.output<S> {
  const cleaned: Source = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const result = z.safeParse(schema, cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const problem = issue.code === 'invalid_type' && cleaned[variable] === undefined ? 'is required but not set' : issue.message;
    return { variable, problem, fix: fixes[variable] };
  });
  throw new EnvError(runtime, problems);
}

/** An http(s) URL without a trailing slash (issuers must match discovery byte for byte). */
export const httpUrl = (what: string) =>
  z.string().check(
    z.refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, `must be an http(s) URL (${what})`),
  );

export const booleanFlag = z.pipe(
  z.enum(['true', 'false', '1', '0']),
  z.transform((value) => value === 'true' || value === '1'),
);
