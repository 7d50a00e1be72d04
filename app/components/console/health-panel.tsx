import { formatDuration, formatPercent, formatTime } from '@/lib/console/format';
import type { Health } from '@/lib/console/health';
import styles from './console.module.css';
import { HealthCharts } from './health-charts';
import { UntrustedText } from './untrusted-text';

function Metric({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div className={styles.metric}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/** The verdict and the key numbers: whether codes arrive, at a glance. */
export function HealthSummary({ health, windowLabel }: { health: Health; windowLabel: string }) {
  const { verdict, totals, timeToDeliver } = health;
  return (
    <section className={`card ${styles.health}`} aria-labelledby="health-title" data-testid="health">
      <h2 id="health-title">Health — {windowLabel}</h2>
      <div className={styles.verdict} data-tone={verdict.tone} data-testid="verdict">
        <div>
          <div className={styles.headline}>{verdict.headline}</div>
          {verdict.details.map((detail) => (
            <p key={detail} className={styles.muted}>
              {detail}
            </p>
          ))}
        </div>
      </div>
      <dl className={styles.metrics}>
        <Metric label="Delivery rate" value={formatPercent(totals.deliveryRate)} testId="metric-rate" />
        <Metric label="Sent" value={totals.sent} testId="metric-sent" />
        <Metric label="Delivered" value={totals.delivered} testId="metric-delivered" />
        <Metric label="Failed" value={totals.failed} testId="metric-failed" />
        <Metric label="Pending now (all)" value={health.pendingNow} testId="metric-pending" />
        <Metric label="Median to deliver" value={formatDuration(timeToDeliver.p50Ms)} testId="metric-p50" />
        <Metric label="p95 to deliver" value={formatDuration(timeToDeliver.p95Ms)} testId="metric-p95" />
      </dl>
    </section>
  );
}

/** Failure codes, refusals, charts: the "why" behind the verdict. */
export function HealthDetails({ health }: { health: Health }) {
  const { totals, coverage } = health;
  const resolution = coverage.resolutionMs === 60_000 ? 'per-minute' : 'per-hour';
  return (
    <section className={`card ${styles.health}`} aria-labelledby="details-title" data-testid="health-details">
      <h2 id="details-title">Failures and timing</h2>
      <div className={styles.lists}>
        <div>
          <strong>Top failure codes</strong>
          {health.topFailureCodes.length === 0 ? (
            <p className={styles.muted}>None in this window.</p>
          ) : (
            <ol data-testid="top-failures">
              {health.topFailureCodes.map((failure) => (
                <li key={failure.code}>
                  <span className={styles.mono}>
                    {failure.code} {failure.name}
                  </span>{' '}
                  × {failure.count}
                </li>
              ))}
            </ol>
          )}
        </div>
        <div>
          <strong>Refused and unmatched</strong>
          <ul>
            <li>
              {totals.refused} send{totals.refused === 1 ? '' : 's'} refused by the relay
            </li>
            {health.refusalsByReason?.map((entry) => (
              <li key={entry.reason}>
                <UntrustedText value={entry.reason} /> × {entry.count}
              </li>
            ))}
            <li>
              {totals.unmatched} callback{totals.unmatched === 1 ? '' : 's'} for unknown message ids
            </li>
          </ul>
        </div>
        <div>
          <strong>Last delivered code</strong>
          <p className={styles.muted} data-testid="last-delivered">
            {health.lastDelivered ? `${formatTime(health.lastDelivered.at)} UTC (message ${health.lastDelivered.id})` : 'None in the log yet.'}
          </p>
        </div>
      </div>
      <HealthCharts data={health.charts} />
      <p className={styles.muted}>
        From {resolution} counters, {formatTime(coverage.from)} – {formatTime(coverage.to)} UTC. Each send counts in the bucket it was sent in, under its current status; median and p95 are interpolated from a time-to-deliver histogram.
      </p>
    </section>
  );
}
