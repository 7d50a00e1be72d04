// Limiter keys never hold a number or a number block in clear: numbers use the delivery log's phone
// HMAC (lib/deliveries createPhoneHasher), blocks this one — the same secret (PHONE_HASH_KEY) under
// its own domain tag, so a block's HMAC can never equal a number's.

const encoder = new TextEncoder();
const PREFIX_DOMAIN = 'limits/prefix/v1:';

export type PrefixHasher = (prefixDigits: string) => Promise<string>;

export function createPrefixHasher(secret: string): PrefixHasher {
  if (typeof secret !== 'string' || secret.length < 16) throw new Error('PHONE_HASH_KEY must be at least 16 characters');
  const key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (prefixDigits) => {
    if (!/^\d{1,15}$/.test(prefixDigits)) throw new Error('a number block is 1 to 15 digits');
    const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(PREFIX_DOMAIN + prefixDigits)));
    // 128 bits are plenty for a counter key and keep keys short.
    let hex = '';
    for (const byte of signature.subarray(0, 16)) hex += byte.toString(16).padStart(2, '0');
    return hex;
  };
}
