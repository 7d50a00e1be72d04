import type { Delivery } from '@/lib/deliveries';
import styles from './console.module.css';
import { UntrustedText } from './untrusted-text';

/** What a row is, in one word: its outcome, or one of the two records that are not a normal send. */
export function rowKind(delivery: Delivery): string {
  if (delivery.refusal) return 'refused';
  if (delivery.source === 'unmatched') return 'unmatched';
  return delivery.status.outcome;
}

export function StatusBadge({ delivery }: { delivery: Delivery }) {
  const kind = rowKind(delivery);
  return (
    <span className={styles.badge} data-outcome={kind} data-testid="status-badge">
      {kind}
    </span>
  );
}

/** Outcome, SMS Aero's raw code and name, and its extendStatus text. */
export function StatusCell({ delivery }: { delivery: Delivery }) {
  const { status, refusal } = delivery;
  return (
    <>
      <StatusBadge delivery={delivery} />{' '}
      {status.code !== null && (
        <span className={styles.mono} data-testid="status-code">
          {status.code} {status.name}
        </span>
      )}
      {refusal && (
        <div>
          <UntrustedText value={refusal.reason} />
        </div>
      )}
      {status.extendStatus !== null && status.extendStatus !== status.name && (
        <div data-testid="extend-status">
          <UntrustedText value={status.extendStatus} />
        </div>
      )}
    </>
  );
}

export function ForwardCell({ forward }: { forward: Delivery['forward'] }) {
  if (forward.state === 'none') return <span className={styles.muted}>—</span>;
  const detail = [forward.attempts > 0 ? `${forward.attempts} attempt${forward.attempts === 1 ? '' : 's'}` : null, forward.lastStatus ? `HTTP ${forward.lastStatus}` : null].filter(Boolean).join(', ');
  const outcome = forward.state === 'dead' || forward.state === 'failed' ? 'failed' : forward.state === 'delivered' ? 'delivered' : 'pending';
  return (
    <>
      <span className={styles.badge} data-outcome={outcome} data-testid="forward-state">
        {forward.state}
      </span>
      {detail && <div className={styles.muted}>{detail}</div>}
    </>
  );
}
