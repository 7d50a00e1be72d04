import type { ReactNode } from 'react';
import type { LimitsPanelData } from '@/lib/limits/console';
import { limitsPanelView } from '@/lib/limits/view';
import { ActionForm, type ActionResult } from './action-form';
import styles from './console.module.css';

/**
 * The SMS-pumping defence at a glance: refusals by reason in the window, today's messages and spend
 * against the daily cap, and "Lift today's cap" (operator server action, audited). Server component;
 * everything comes in as props (data from `loadLimitsPanel`, the action from app/deliveries/cap-actions).
 */
export function RefusalsPanel({
  data,
  windowLabel,
  liftAction,
  refusedHref,
}: {
  data: LimitsPanelData;
  windowLabel: string;
  liftAction: (state: ActionResult, form: FormData) => Promise<ActionResult>;
  /** Link to the refused sends in the table, e.g. "/deliveries?outcome=refused". */
  refusedHref?: string;
}): ReactNode {
  if (!data.ok) {
    return (
      <section className={`card ${styles.health}`} aria-labelledby="limits-title" data-testid="limits">
        <h2 id="limits-title">SMS-pumping defence</h2>
        <p className={styles.muted} data-testid="limits-unavailable">
          {data.message}
        </p>
      </section>
    );
  }
  const view = limitsPanelView(data);
  const { cap } = view;
  return (
    <section className={`card ${styles.health}`} aria-labelledby="limits-title" data-testid="limits">
      <h2 id="limits-title">SMS-pumping defence</h2>
      <div className={styles.verdict} data-tone={cap.tone} data-testid="cap-verdict">
        <div>
          <div className={styles.headline}>{cap.headline}</div>
          {cap.lifted && (
            <p className={styles.muted} data-testid="cap-lifted">
              {cap.lifted}
            </p>
          )}
          <p className={styles.muted}>Day {cap.day}; resets {cap.resetsAt}.</p>
        </div>
      </div>
      <dl className={styles.metrics}>
        {cap.meters.map((meter) => (
          <div className={styles.metric} key={meter.label}>
            <dt>{meter.label}</dt>
            <dd data-testid={`cap-${meter.label.startsWith('Messages') ? 'count' : 'spend'}`}>
              {meter.used}
              {meter.cap === null ? ' (no cap)' : ` / ${meter.cap}`}
            </dd>
          </div>
        ))}
      </dl>
      {cap.canLift && (
        <ActionForm action={liftAction} submitLabel="Lift today's cap" pendingLabel="Lifting…" testId="lift-cap">
          <input type="hidden" name="day" value={cap.day} />
          <p className={styles.muted}>Allows sends until midnight despite the cap. Your name and the time are recorded.</p>
        </ActionForm>
      )}
      <div className={styles.lists}>
        <div>
          <strong>
            Refused in the {windowLabel}: {view.refusals.total}
          </strong>
          {view.refusals.rows.length === 0 ? (
            <p className={styles.muted}>No refusals.</p>
          ) : (
            <ol data-testid="refusals-by-reason">
              {view.refusals.rows.map((row) => (
                <li key={row.reason} title={row.label}>
                  <span className={styles.mono}>{row.reason}</span> × {row.count} <span className={styles.muted}>— {row.label}</span>
                </li>
              ))}
            </ol>
          )}
          {refusedHref && view.refusals.total > 0 && <a href={refusedHref}>Show refused sends</a>}
        </div>
        {view.policy.length > 0 && (
          <div>
            <strong>Policy in force</strong>
            <ul data-testid="limits-policy">
              {view.policy.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        )}
        {view.audit.length > 0 && (
          <div>
            <strong>Cap lifts</strong>
            <ul data-testid="limits-audit">
              {view.audit.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}
