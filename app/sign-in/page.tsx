import { SignInButton } from '@/app/components/auth-buttons';

// Where the middleware sends signed-out visitors of protected pages (pages.signIn in auth.config.ts).
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  const redirectTo = safePath(callbackUrl);
  return (
    <section className="card">
      <h1>Sign in to continue</h1>
      <p>This page needs a signed-in account.</p>
      <SignInButton redirectTo={redirectTo} />
    </section>
  );
}

/** Keeps only same-origin paths: callbackUrl is attacker-controlled. */
function safePath(callbackUrl: string | undefined): string {
  if (!callbackUrl) return '/dashboard';
  try {
    const url = new URL(callbackUrl, 'http://same.origin');
    if (callbackUrl.startsWith('/') && !callbackUrl.startsWith('//')) return `${url.pathname}${url.search}`;
    return url.origin === 'http://same.origin' ? '/dashboard' : `${url.pathname}${url.search}`;
  } catch {
    return '/dashboard';
  }
}
