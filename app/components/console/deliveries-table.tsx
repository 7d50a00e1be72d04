import { formatDuration, formatTime } from '@/lib/console/format';
import type { Delivery } from '@/lib/deliveries';
import styles from './console.module.css';
import { ForwardCell, rowKind, StatusCell } from './status';

export function DeliveriesTable({ rows, highlight, back }: { rows: Delivery[]; highlight?: string; back: string }) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-testid="deliveries-table">
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Phone</th>
            <th scope="col">Usage</th>
            <th scope="col">Status (SMS Aero code)</th>
            <th scope="col">Time to deliver</th>
            <th scope="col">Forward</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className={styles.empty}>
                No messages match these filters in this window.
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.id} data-testid="delivery-row" data-id={row.id} data-kind={rowKind(row)} className={row.id === highlight ? styles.highlight : undefined} aria-current={row.id === highlight ? 'true' : undefined}>
              <td>
                <a className={styles.rowLink} href={`/deliveries/${encodeURIComponent(row.id)}${back ? `?back=${encodeURIComponent(back)}` : ''}`}>
                  {formatTime(row.createdAt)}
                </a>
                <div className={styles.muted}>
                  <span className={styles.mono}>#{row.id}</span>
                  {row.source !== 'relay' && <span className={styles.source}>{row.source}</span>}
                </div>
              </td>
              <td className={`${styles.mono} ${styles.nowrap}`}>{row.maskedPhone ?? '—'}</td>
              <td>{row.usageType ?? '—'}</td>
              <td>
                <StatusCell delivery={row} />
              </td>
              <td>{row.timeToDeliverMs !== undefined ? formatDuration(row.timeToDeliverMs) : <span className={styles.muted}>—</span>}</td>
              <td>
                <ForwardCell forward={row.forward} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
