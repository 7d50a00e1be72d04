import { timingSafeEqual } from 'node:crypto';
import type { Account, AccountClaims } from 'oidc-provider';

export interface DemoUser {
  accountId: string;
  username: string;
  password: string;
  name: string;
  roles: string[];
  // Logto stores phone numbers as digits only, country code first, no '+'.
  phone: string;
  email: string | null;
}

export const demoUsers: readonly DemoUser[] = [
  {
    accountId: 'user-operator',
    username: 'operator',
    password: 'operator-password',
    name: 'Olga Operator',
    roles: ['operator'],
    phone: '79990000001',
    email: 'operator@example.test',
  },
  {
    accountId: 'user-viewer',
    username: 'viewer',
    password: 'viewer-password',
    name: 'Victor Viewer',
    roles: [],
    phone: '79990000002',
    email: null,
  },
];

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function findUserByPassword(username: string, password: string): DemoUser | undefined {
  const user = demoUsers.find((candidate) => candidate.username === username.trim());
  return user && sameSecret(password, user.password) ? user : undefined;
}

/** Accepts what people type (`+7 999 000-00-01`) and returns Logto's digits-only form. */
export function normalizePhone(input: string): string {
  return input.replace(/[\s()+-]/g, '');
}

export function findUserByPhone(phoneDigits: string): DemoUser | undefined {
  return demoUsers.find((candidate) => candidate.phone === phoneDigits);
}

// The same claim set Logto returns: absent values are null rather than missing.
export function claimsOf(user: DemoUser): AccountClaims {
  return {
    sub: user.accountId,
    name: user.name,
    username: user.username,
    picture: null,
    email: user.email,
    email_verified: user.email !== null,
    phone_number: user.phone,
    phone_number_verified: true,
    roles: [...user.roles],
  };
}

export function findAccount(accountId: string): Account | undefined {
  const user = demoUsers.find((candidate) => candidate.accountId === accountId);
  if (!user) return undefined;
  return { accountId: user.accountId, claims: () => claimsOf(user) };
}
