import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ActionForm } from '@/app/components/console/action-form';
import { Banner, StoreBanner } from '@/app/components/console/banners';
import styles from '@/app/components/console/console.module.css';
import { LiveStatus } from '@/app/components/console/live-status';
import { ForwardCell, StatusCell } from '@/app/components/console/status';
import { UntrustedText } from '@/app/components/console/untrusted-text';
import { requireOperator } from '@/lib/auth/guards';
import { returnQuery } from '@/lib/console/actions';
import { consoleConfig } from '@/lib/console/config';
import { loadDetail, StoreUnavailableError, type DetailView } from '@/lib/console/data';
import { formatDuration, formatTime } from '@/lib/console/format';
import { querySearch } from '@/lib/console/query';
import { consoleStore } from '@/lib/console/store';
import type { TimelineEntry } from '@/lib/deliveries';
import { checkId } from '@/lib/deliveries/fields';
import { loadAppEnv } from '@/lib/env/app';
import { replayForwardAction } from '../actions';

export const metadata: Metadata = { title: 'Message — SMS delivery log' };

const KIND_LABELS: Record<TimelineEntry['kind'], string> = {
  sent: 'sent',
  status: 'status',
  duplicate: 'duplicate (ignored)',
  stale: 'out of order (ignored)',
  forward: 'forward attempt',
  note: 'note',
  refused: 'refused',
};

function validId(raw: string): string | null {
  try {
    return checkId(decodeURIComponent(raw));
  } catch {
    return null;
  }
}

function Fields({ fields }: { fields: TimelineEntry['fields'] }) {
  if (!fields || Object.keys(fields).length === 0) return null;
  return (
    <ul className={styles.fields}>
      {Object.entries(fields).map(([key, value]) => (
        <li key={key}>
          <UntrustedText value={key} />: <UntrustedText value={value === null ? 'null' : value} />
        </li>
      ))}
    </ul>
  );
}

export default async function DeliveryDetail({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id: rawId } = await params;
  const id = validId(rawId);
  await requireOperator(`/deliveries/${encodeURIComponent(id ?? '')}`);
  if (id === null) notFound();
  const back = (await searchParams).back;
  const backQuery = returnQuery(typeof back === 'string' ? back : '');
  const backHref = `/deliveries${querySearch({ ...backQuery, highlight: id })}`;
  const config = consoleConfig(loadAppEnv());

  const access = consoleStore(config);
  let view: DetailView | null = null;
  let storeProblem: 'unconfigured' | 'unreachable' | null = access.ok ? null : 'unconfigured';
  if (access.ok) {
    try {
      view = await loadDetail(access.store, id);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      console.warn(`[console] delivery log unreachable: ${error.message}`);
      storeProblem = 'unreachable';
    }
  }
  const delivery = view?.delivery ?? null;
  const timeline = view && view.delivery ? view.timeline : [];
  const attempts = timeline.filter((entry) => entry.kind === 'forward');

  return (
    <div className={styles.console}>
      <div className={styles.head}>
        <div>
          <a href={backHref}>← All messages</a>
          <h1>
            Message <span className={styles.mono}>{id}</span>
          </h1>
        </div>
        <LiveStatus url={`/api/deliveries/${encodeURIComponent(id)}`} etag={view?.etag ?? null} storeOk={view !== null} />
      </div>
      {storeProblem && <StoreBanner problem={storeProblem} />}
      {view && !delivery && (
        <Banner tone="warn" title="No such message" testId="not-found">
          The delivery log has no message {id}. It may have expired, or its record has not arrived yet.
        </Banner>
      )}
      {delivery && (
        <>
          <section className="card" data-testid="detail-summary">
            <dl className={styles.summary}>
              <dt>Status</dt>
              <dd>
                <StatusCell delivery={delivery} />
              </dd>
              <dt>Sent</dt>
              <dd>{formatTime(delivery.createdAt)} UTC</dd>
              <dt>Phone</dt>
              <dd className={styles.mono}>{delivery.maskedPhone ?? '—'}</dd>
              <dt>Usage type</dt>
              <dd>{delivery.usageType ?? '—'}</dd>
              <dt>Source</dt>
              <dd>{delivery.source === 'unmatched' ? 'unmatched — a status callback for an id this log never sent' : delivery.source}</dd>
              <dt>Time to deliver</dt>
              <dd>{formatDuration(delivery.timeToDeliverMs)}</dd>
              <dt>Forward</dt>
              <dd>
                <ForwardCell forward={delivery.forward} />
                {delivery.forward.lastError && (
                  <div>
                    <UntrustedText value={delivery.forward.lastError} />
                  </div>
                )}
              </dd>
            </dl>
            {(delivery.forward.state === 'failed' || delivery.forward.state === 'dead') && (
              <ActionForm action={replayForwardAction} submitLabel="Replay forward" pendingLabel="Replaying…" testId="replay-forward">
                <input type="hidden" name="id" value={delivery.id} />
              </ActionForm>
            )}
          </section>

          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <div className={styles.tableWrap}>
              <table className={styles.table} data-testid="timeline">
                <thead>
                  <tr>
                    <th scope="col">Time (UTC)</th>
                    <th scope="col">Event</th>
                    <th scope="col">Code</th>
                    <th scope="col">extendStatus</th>
                    <th scope="col">Other fields (as received)</th>
                  </tr>
                </thead>
                <tbody>
                  {timeline.map((entry, i) => (
                    <tr key={i} data-testid="timeline-entry" data-kind={entry.kind}>
                      <td className={styles.mono}>{formatTime(entry.at)}</td>
                      <td>{KIND_LABELS[entry.kind]}</td>
                      <td className={styles.mono}>{entry.code === undefined || entry.code === null ? '—' : `${entry.code} ${entry.name ?? ''}`}</td>
                      <td>
                        <UntrustedText value={entry.extendStatus} />
                      </td>
                      <td>
                        <Fields fields={entry.fields} />
                        {entry.forward && (
                          <span>
                            attempt {entry.forward.attempt}
                            {entry.forward.status !== undefined && ` → HTTP ${entry.forward.status}`}
                            {entry.forward.latencyMs !== undefined && ` in ${formatDuration(entry.forward.latencyMs)}`}
                          </span>
                        )}
                        {entry.note && <UntrustedText value={entry.note} />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section className="card" aria-labelledby="forward-title">
            <h2 id="forward-title">Forward attempts</h2>
            {attempts.length === 0 ? (
              <p className={styles.muted}>{delivery.forward.state === 'none' ? 'Not forwarded (FORWARD_URL is not set on the Worker, or no status to forward yet).' : 'No attempt recorded yet.'}</p>
            ) : (
              <table className={styles.table} data-testid="forward-attempts">
                <thead>
                  <tr>
                    <th scope="col">Attempt</th>
                    <th scope="col">Time (UTC)</th>
                    <th scope="col">HTTP status</th>
                    <th scope="col">Latency</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {attempts.map((entry, i) => (
                    <tr key={i}>
                      <td>{entry.forward?.attempt ?? '—'}</td>
                      <td className={styles.mono}>{formatTime(entry.at)}</td>
                      <td>{entry.forward?.status ?? '—'}</td>
                      <td>{formatDuration(entry.forward?.latencyMs)}</td>
                      <td>
                        <UntrustedText value={entry.forward?.error} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}
