import { forbidden, redirect } from 'next/navigation';
import type { Session } from 'next-auth';
import { loadAppEnv } from '../env/app';
import { hasRole, isSignedIn } from './access';
import { currentSession } from './session';

// Server-side re-checks for pages and server actions. The middleware already ran the same rules, but it
// can be bypassed (CVE-2025-29927, prefetch URLs), so every protected entry point calls one of these.
export async function requireSession(returnTo: string): Promise<Session> {
  const session = await currentSession();
  if (!session || !isSignedIn(session)) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return session;
}

export async function requireOperator(returnTo: string): Promise<Session> {
  const session = await requireSession(returnTo);
  if (!hasRole(session, loadAppEnv().OPERATOR_ROLE)) forbidden();
  return session;
}

/** For route handlers: a JSON error instead of a redirect or an HTML page. */
export async function operatorOrError(): Promise<{ session: Session; error?: never } | { session?: never; error: Response }> {
  const session = await currentSession();
  if (!session || !isSignedIn(session)) {
    return { error: Response.json({ error: 'unauthenticated', message: 'Sign in first.' }, { status: 401 }) };
  }
  const role = loadAppEnv().OPERATOR_ROLE;
  if (!hasRole(session, role)) {
    return { error: Response.json({ error: 'forbidden', message: `Requires the "${role}" role.` }, { status: 403 }) };
  }
  return { session };
}
