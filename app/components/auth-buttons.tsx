import { signInAction, signOutAction } from '@/app/actions/auth';

export function SignInButton({ redirectTo = '/dashboard', label = 'Sign in with Logto' }: { redirectTo?: string; label?: string }) {
  return (
    <form action={signInAction}>
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button type="submit" className="button primary">{label}</button>
    </form>
  );
}

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <button type="submit" className="button">Sign out</button>
    </form>
  );
}
