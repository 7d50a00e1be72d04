import { LimitSyntaxError } from './rate';

/** Calling codes (or longer prefixes such as "79") a number must start with; "*" allows every number. */
export type CountryAllowList = '*' | readonly string[];

/** "7" → ["7"]; "7, +375,998" → ["375", "998", "7"] (longest first); "*" → "*". */
export function parseCountryCodes(text: string): CountryAllowList {
  const trimmed = text.trim();
  if (trimmed === '*') return '*';
  if (trimmed === '') throw new LimitSyntaxError('is empty: write calling codes such as 7 or 7,375,998, or * for all');
  const codes = trimmed.split(',').map((item) => {
    const code = item.trim().replace(/^\+/, '');
    if (!/^[1-9]\d{0,14}$/.test(code)) {
      throw new LimitSyntaxError(`${JSON.stringify(item.trim().slice(0, 20))} is not a calling code: use digits without a leading 0, e.g. 7 or 375, or * for all`);
    }
    return code;
  });
  return [...new Set(codes)].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

/** The configured code the number starts with (the longest one), or null when it matches none. With
 * "*" the answer is "*". `digits` is the E.164 number without "+". */
export function matchCountry(digits: string, allowed: CountryAllowList): string | null {
  if (allowed === '*') return '*';
  return allowed.find((code) => digits.startsWith(code)) ?? null;
}
