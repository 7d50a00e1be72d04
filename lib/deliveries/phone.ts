// Phone numbers are personal data: the delivery log keeps only a mask (for people) and a keyed HMAC
// (for exact search). The raw number passes through these functions and nowhere else.

export class InvalidPhoneError extends Error {
  override readonly name = 'InvalidPhoneError';
  readonly field = 'phone';
}

export type PhoneHasher = (phone: string) => Promise<string>;

const PUNCTUATION = /[+\s\-()]/g;

/** Digits only, 10–15 of them (E.164 without "+"). No trunk-prefix rewriting: "8 999…" is not
 * turned into "7999…", because 8x country codes (Korea, Japan, China…) make that guess unsafe. */
export function normalizePhone(input: string): string {
  if (typeof input !== 'string') throw new InvalidPhoneError('phone must be a string');
  const digits = input.replace(PUNCTUATION, '');
  if (digits === '') throw new InvalidPhoneError('phone is required');
  if (!/^\d+$/.test(digits)) throw new InvalidPhoneError('phone may contain only digits, "+", spaces, dashes and parentheses');
  if (digits.length < 10 || digits.length > 15) throw new InvalidPhoneError(`phone must have 10 to 15 digits, got ${digits.length}`);
  return digits;
}

// ITU-T E.164 country codes are prefix-free: these are the one- and two-digit ones, every other code
// has three digits. Enough to split off the country code without a full numbering-plan table.
const ONE_DIGIT_CODES = new Set(['1', '7']);
const TWO_DIGIT_CODES = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(' '),
);

export function splitCountryCode(digits: string): { countryCode: string; national: string } {
  const length = ONE_DIGIT_CODES.has(digits.slice(0, 1)) ? 1 : TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
  return { countryCode: digits.slice(0, length), national: digits.slice(length) };
}

function groupDigits(text: string): string {
  const groups = [text.slice(0, 4)];
  for (let i = 4; i < text.length; i += 3) groups.push(text.slice(i, i + 3));
  // A lone trailing digit reads badly; fold it into the group before.
  const last = groups[groups.length - 1]!;
  if (groups.length > 2 && last.length === 1) {
    groups.pop();
    groups[groups.length - 1] += last;
  }
  return groups.join(' ');
}

/** "+7 999 ***-**-12" for Russian/Kazakh numbers; otherwise country code, first two and last two
 * national digits, e.g. "+44 79** *** *12". */
export function maskPhone(phone: string): string {
  const digits = normalizePhone(phone);
  const { countryCode, national } = splitCountryCode(digits);
  if (countryCode === '7' && national.length === 10) return `+7 ${national.slice(0, 3)} ***-**-${national.slice(8)}`;
  const keepStart = national.length >= 8 ? 2 : 0;
  const masked = national.slice(0, keepStart) + '*'.repeat(national.length - keepStart - 2) + national.slice(-2);
  return `+${countryCode} ${groupDigits(masked)}`;
}

/**
 * True for what maskPhone returns: a country code, then the national part with at most 5 digits visible
 * among '*'s. Lets the store accept a mask computed elsewhere without ever accepting a raw number.
 */
export function isMaskedPhone(text: string): boolean {
  const match = /^\+\d{1,3} ([\d* -]{4,24})$/.exec(text);
  const national = match?.[1];
  return national !== undefined && national.includes('*') && (national.match(/\d/g)?.length ?? 0) <= 5;
}

const encoder = new TextEncoder();
// Versioned domain tag: a future change of normalisation gets a new tag instead of silently
// mismatching old hashes.
const HASH_DOMAIN = 'delivery-log/phone/v1:';

let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;

function importHmacKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    cachedKey = { secret, key: crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']) };
  }
  return cachedKey.key;
}

function toHex(bytes: ArrayBuffer): string {
  let hex = '';
  for (const byte of new Uint8Array(bytes)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** HMAC-SHA256 (hex) of the normalised number. The key is imported once per secret and reused, so
 * creating a hasher per request in a Worker costs nothing extra. */
export function createPhoneHasher(secret: string): PhoneHasher {
  if (typeof secret !== 'string' || secret.length < 16) throw new Error('PHONE_HASH_KEY must be at least 16 characters');
  return async (phone) => {
    const digits = normalizePhone(phone);
    const signature = await crypto.subtle.sign('HMAC', await importHmacKey(secret), encoder.encode(HASH_DOMAIN + digits));
    return toHex(signature);
  };
}
