import { DeliveryInputError } from './errors';

/** Position in a newest-first index: the score (createdAt) and id of the last entry already seen. */
export type ListPosition = { score: number; id: string };

// Opaque to callers; base64url of "score:id" so it travels in a query string untouched.
export function encodeCursor(position: ListPosition): string {
  return btoa(`${position.score}:${position.id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string): ListPosition {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new DeliveryInputError('cursor', 'is not a cursor returned by a previous page');
  }
  const match = /^(\d{1,16}):([A-Za-z0-9._-]{1,64})$/.exec(text);
  if (!match) throw new DeliveryInputError('cursor', 'is not a cursor returned by a previous page');
  return { score: Number(match[1]), id: match[2]! };
}

/** True when `entry` comes after `position` in newest-first order (score desc, then id desc — Redis
 * orders equal scores by member bytes, and ids are ASCII, so JS string order is the same). */
export function isAfter(entry: ListPosition, position: ListPosition): boolean {
  return entry.score < position.score || (entry.score === position.score && entry.id < position.id);
}
