import type { Context, MiddlewareHandler } from 'hono';

import type { AppEnv } from '../context';

type Issue = { path: readonly PropertyKey[]; message: string };

const fieldOf = (issue: Issue, target: string) => (issue.path.length === 0 ? target : issue.path.map(String).join('.'));

/** 400 JSON naming the first bad field (and listing all): Logto shows the message, people fix the field. */
export function invalidRequest(c: Context, issues: readonly Issue[], target: string) {
  const problems = issues.map((issue) => ({ field: fieldOf(issue, target), message: issue.message }));
  const first = problems[0] ?? { field: target, message: 'is invalid' };
  return c.json({ error: 'invalid_request', field: first.field, message: `${first.field} ${first.message}`, issues: problems }, 400);
}

/** zValidator hook giving the error shape above (zod never echoes the input into it). */
export function reportInvalid(result: { success: boolean; error?: { issues: readonly Issue[] }; target: string }, c: Context) {
  if (!result.success) return invalidRequest(c, result.error?.issues ?? [], result.target === 'json' ? 'body' : result.target);
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Hono's JSON validator quietly validates `{}` when the content type is not JSON; say 415 instead. */
export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    return c.json({ error: 'unsupported_media_type', message: 'send the body as application/json' }, 415);
  }
  await next();
};

export function payloadTooLarge(maxBytes: number) {
  return (c: Context) => c.json({ error: 'payload_too_large', message: `the body must be at most ${maxBytes} bytes` }, 413);
}
