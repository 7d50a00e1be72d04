'use server';

import { redirect } from 'next/navigation';
import { signIn, signOut } from '@/auth';
import { endSessionUrl } from '@/lib/auth/logout';
import { requestOrigin } from '@/lib/auth/origin';
import { loadAppEnv } from '@/lib/env/app';

export async function signInAction(formData: FormData): Promise<void> {
  const target = formData.get('redirectTo');
  // Only same-site paths: an open redirect here would bounce users to any site after signing in.
  const redirectTo = typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : '/dashboard';
  await signIn('logto', { redirectTo });
}

/**
 * Signing out means three things: the cookie is cleared, the refresh token is revoked (auth.ts
 * events.signOut), and the Logto session ends (RP-initiated logout) so the next sign-in asks again.
 */
export async function signOutAction(): Promise<void> {
  const env = loadAppEnv();
  await signOut({ redirect: false });
  const origin = await requestOrigin();
  const logoutUrl = await endSessionUrl(
    { issuer: env.AUTH_LOGTO_ISSUER, clientId: env.AUTH_LOGTO_ID, clientSecret: env.AUTH_LOGTO_SECRET },
    `${origin}/`,
  );
  redirect(logoutUrl ?? '/');
}
