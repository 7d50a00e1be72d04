import { currentSession } from '@/lib/auth/session';
import { SignInButton, SignOutButton } from '@/app/components/auth-buttons';
import { isSignedIn } from '@/lib/auth/access';

export default async function Home() {
  const session = await currentSession();
  if (session?.error) {
    return (
      <section className="card">
        <h1>Your session has expired</h1>
        <p>Logto no longer accepts this session&apos;s refresh token. Sign in again to continue.</p>
        <SignInButton redirectTo="/" label="Sign in again" />
      </section>
    );
  }
  if (!isSignedIn(session) || !session) {
    return (
      <section className="card">
        <h1>Welcome</h1>
        <p>Sign in with your Logto account — username and password, or your phone number and a one-time code sent by SMS Aero.</p>
        <SignInButton />
      </section>
    );
  }
  return (
    <section className="card">
      <h1>Signed in</h1>
      <dl className="session" data-testid="session">
        <dt>Name</dt>
        <dd>{session.user.name ?? '—'}</dd>
        <dt>Username</dt>
        <dd>{session.user.username ?? '—'}</dd>
        <dt>User ID</dt>
        <dd><code>{session.user.id}</code></dd>
        <dt>Roles</dt>
        <dd data-testid="roles">{session.user.roles.length ? session.user.roles.join(', ') : 'none'}</dd>
        <dt>Access token valid until</dt>
        <dd>{session.expiresAt ? new Date(session.expiresAt * 1000).toISOString() : '—'}</dd>
      </dl>
      <SignOutButton />
    </section>
  );
}
