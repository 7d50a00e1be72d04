/** Longest delay a Queue message may be retried with (Cloudflare Queues' limit). */
export const MAX_DELAY_SECONDS = 43_200;

/** base · 2^(attempt−1) seconds, capped at 12 h: attempt 1 → base, 2 → 2·base, … */
export function backoffSeconds(attempt: number, baseSeconds: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(MAX_DELAY_SECONDS, baseSeconds * 2 ** exponent);
}
