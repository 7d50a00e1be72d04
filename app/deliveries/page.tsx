import { requireOperator } from '@/lib/auth/guards';

export default async function Deliveries() {
  const session = await requireOperator('/deliveries');
  return (
    <section className="card">
      <h1>Deliveries</h1>
      <p data-testid="deliveries-operator">Operator console for {session.user.name ?? session.user.username}.</p>
      <p>The SMS delivery log appears here.</p>
    </section>
  );
}
