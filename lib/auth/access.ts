// Which paths need what. One table read by the edge middleware and by tests; pages, route handlers and
// server actions check again with requireSession()/requireOperator() (middleware is never the only check).
export type Requirement = { kind: 'public' } | { kind: 'session' } | { kind: 'role'; role: string };

const sessionPrefixes = ['/dashboard'];
const operatorPrefixes = ['/deliveries', '/api/deliveries'];

function matches(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

export function requirementFor(pathname: string, operatorRole: string): Requirement {
  if (operatorPrefixes.some((prefix) => matches(pathname, prefix))) return { kind: 'role', role: operatorRole };
  if (sessionPrefixes.some((prefix) => matches(pathname, prefix))) return { kind: 'session' };
  return { kind: 'public' };
}

export function isApiPath(pathname: string): boolean {
  return matches(pathname, '/api');
}

export type SessionLike = { user?: { roles?: string[] } | null; error?: string } | null | undefined;

/** A session counts only if it exists and its refresh did not fail: an expired grant means signed out. */
export function isSignedIn(session: SessionLike): boolean {
  return Boolean(session?.user) && !session?.error;
}

export function hasRole(session: SessionLike, role: string): boolean {
  return isSignedIn(session) && (session?.user?.roles ?? []).includes(role);
}
