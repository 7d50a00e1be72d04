import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { currentSession } from '@/lib/auth/session';
import { hasRole, isSignedIn } from '@/lib/auth/access';
import { loadAppEnv } from '@/lib/env/app';
import './globals.css';

export const metadata: Metadata = {
  title: 'Logto × SMS Aero edge template',
  description: 'Edge-authenticated Next.js on Logto with SMS one-time codes through SMS Aero.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  const signedIn = isSignedIn(session);
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">Logto × SMS Aero</Link>
          <nav aria-label="Main">
            <Link href="/">Home</Link>
            {signedIn && <Link href="/dashboard">Dashboard</Link>}
            {hasRole(session, loadAppEnv().OPERATOR_ROLE) && <Link href="/deliveries">Deliveries</Link>}
          </nav>
          <span className="who" data-testid="whoami">{signedIn ? session?.user.name ?? session?.user.username : 'Signed out'}</span>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
