import Link from 'next/link';

export default function Forbidden() {
  return (
    <section className="card" data-testid="forbidden">
      <h1>403 — Not allowed</h1>
      <p>You are signed in, but your account does not have the role this page needs. Ask an administrator to assign it in Logto.</p>
      <Link href="/">Back home</Link>
    </section>
  );
}
