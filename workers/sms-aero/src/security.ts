const encoder = new TextEncoder();

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

/**
 * Compares a presented secret with the expected one in constant time. Both sides are hashed first so
 * the comparison always runs over 32 bytes: neither the content nor the length of the secret leaks
 * through timing.
 */
export async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(presented), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Logto's HTTP SMS connector sends its `authorization` setting verbatim as the Authorization header;
 * people paste either the bare token or "Bearer <token>" there, so both forms are accepted.
 */
export async function relayAuthorized(header: string | undefined, token: string): Promise<boolean> {
  const value = (header ?? '').trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(value)?.[1]?.trim() ?? '';
  const [asIs, asBearer] = await Promise.all([secretsEqual(value, token), secretsEqual(bearer, token)]);
  return value !== '' && (asIs || asBearer);
}
