import { createPhoneHasher, InvalidPhoneError, maskPhone, normalizePhone } from '../deliveries';
import type { ConsoleConfig } from './config';
import { DEFAULT_WINDOW, parseConsoleQuery, querySearch, type ConsoleQuery } from './query';

// Server-action logic that is not Next-specific (the actions in app/deliveries/actions.ts check the
// role, call these, and redirect).

export type FormResult = { ok: true; location: string } | { ok: false; message: string };

/** The view a form was submitted from, re-validated: only a query this module wrote goes back out. */
export function returnQuery(search: unknown): ConsoleQuery {
  const text = typeof search === 'string' ? search.replace(/^\?/, '') : '';
  const parsed = parseConsoleQuery(new URLSearchParams(text));
  return parsed.ok ? parsed.query : { window: { kind: 'relative', name: DEFAULT_WINDOW }, limit: 50 };
}

/**
 * Exact phone search: the typed number becomes its HMAC (the Worker's PHONE_HASH_KEY) and a mask, and
 * only those go into the URL. The number itself is dropped here: never logged, stored or redirected.
 */
export async function phoneFilterLocation(config: Pick<ConsoleConfig, 'phoneHashKey'>, phone: unknown, from: unknown): Promise<FormResult> {
  if (!config.phoneHashKey) return { ok: false, message: 'Phone search is disabled: set PHONE_HASH_KEY to the relay Worker\'s key.' };
  let digits: string;
  try {
    digits = normalizePhone(typeof phone === 'string' ? phone : '');
  } catch (error) {
    if (error instanceof InvalidPhoneError) return { ok: false, message: error.message.replace(/^phone/, 'The phone number') };
    throw error;
  }
  const hash = await createPhoneHasher(config.phoneHashKey)(digits);
  const query = returnQuery(from);
  return { ok: true, location: `/deliveries${querySearch(query, { phone: hash, phoneMask: maskPhone(digits), cursor: undefined, id: undefined, highlight: undefined })}` };
}
