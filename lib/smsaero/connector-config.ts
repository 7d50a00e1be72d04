// zod/mini, not the classic API: `import { z } from 'zod'` pulls ~90 kB gzip (every locale) into the
// Worker bundle, which has a 120 kB budget; mini costs ~5 kB and offers the same parse/safeParse.
import * as z from 'zod/mini';

import { describeJsonSyntaxError } from './json-syntax';
import { REQUIRED_TEMPLATE_USAGE_TYPES } from './usage-types';

// Mirrors what Logto's connector-smsaero accepts, so a config that passes here also saves in the
// Logto console (and the other way round), with one deliberate difference: an empty apiKey is refused
// because SMS Aero would reject every send with it.
// Messages never quote the input: a config holds an API key.

type IssueInput = { input?: unknown };

const describeType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
};

const requiredString = (what: string) => (issue: IssueInput) =>
  issue.input === undefined ? 'is required' : `must be ${what}, got ${describeType(issue.input)}`;

const templateSchema = z.object(
  {
    usageType: z.string({ error: requiredString('a string') }),
    content: z.string({ error: requiredString('a string') }),
  },
  { error: (issue) => `must be an object with usageType and content, got ${describeType(issue.input)}` },
);

export const smsAeroConnectorConfigSchema = z.object(
  {
    email: z.email({
      error: (issue) => (typeof issue.input === 'string' ? 'must be an email address' : requiredString('an email address')(issue)),
    }),
    apiKey: z.string({ error: requiredString('a string') }).check(z.minLength(1, { error: 'must not be empty' })),
    senderName: z.string({ error: requiredString('a string') }),
    templates: z.array(templateSchema, { error: requiredString('an array of {usageType, content}') }).check(
      z.superRefine((templates, ctx) => {
        const present = new Set(templates.map((template) => template.usageType));
        const missing = REQUIRED_TEMPLATE_USAGE_TYPES.filter((usageType) => !present.has(usageType));
        if (missing.length > 0) {
          ctx.addIssue({ code: 'custom', message: `missing usage types ${missing.join(', ')}`, input: templates });
        }
      }),
    ),
  },
  { error: (issue) => `must be a JSON object, got ${describeType(issue.input)}` },
);

export type SmsAeroConnectorConfig = z.infer<typeof smsAeroConnectorConfigSchema>;

export type ParseConnectorConfigResult =
  | { ok: true; config: SmsAeroConnectorConfig }
  | { ok: false; errors: string[] };

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'config';
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}

/** Accepts the config object or its JSON text (as stored in the `SMSAERO_CONNECTOR` variable). */
export function parseConnectorConfig(input: unknown): ParseConnectorConfigResult {
  let value = input;
  if (typeof input === 'string') {
    // Editors on Windows like to prepend a BOM, which JSON.parse rejects.
    const text = input.replace(/^\uFEFF/, '');
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, errors: [`config: ${describeJsonSyntaxError(text)}`] };
    }
    if (typeof value === 'string') {
      return { ok: false, errors: ['config: must be a JSON object, got a string (is the JSON encoded twice?)'] };
    }
  }
  const result = smsAeroConnectorConfigSchema.safeParse(value);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, errors: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`) };
}
