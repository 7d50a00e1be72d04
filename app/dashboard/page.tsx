import { requireSession } from '@/lib/auth/guards';
import { SignOutButton } from '@/app/components/auth-buttons';

export default async function Dashboard() {
  const session = await requireSession('/dashboard');
  return (
    <section className="card">
      <h1>Dashboard</h1>
      <p data-testid="dashboard-greeting">Hello, {session.user.name ?? session.user.username}.</p>
      <p>This page needs any signed-in user. The edge middleware checked your session cookie; this page checked it again.</p>
      <SignOutButton />
    </section>
  );
}
