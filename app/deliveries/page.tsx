import type { Metadata } from 'next';
import { ActionForm } from '@/app/components/console/action-form';
import { Banner, StoreBanner } from '@/app/components/console/banners';
import styles from '@/app/components/console/console.module.css';
import { DeliveriesTable } from '@/app/components/console/deliveries-table';
import { FilterBar } from '@/app/components/console/filter-bar';
import { HealthDetails, HealthSummary } from '@/app/components/console/health-panel';
import { LiveStatus } from '@/app/components/console/live-status';
import { RefusalsPanel } from '@/app/components/console/refusals-panel';
import { requireOperator } from '@/lib/auth/guards';
import { consoleConfig } from '@/lib/console/config';
import { loadConsole, StoreUnavailableError, type ConsoleView } from '@/lib/console/data';
import { formatTime } from '@/lib/console/format';
import { DEFAULT_PAGE_SIZE, DEFAULT_WINDOW, parseConsoleQuery, querySearch, type ConsoleQuery } from '@/lib/console/query';
import { consoleStore } from '@/lib/console/store';
import { loadAppEnv } from '@/lib/env/app';
import { consoleLimitsPrefix, consoleLimitsRedis, loadLimitsPanel } from '@/lib/limits/console';
import { LOGTO_USAGE_TYPES } from '@/lib/smsaero/usage-types';
import { phoneFilterAction, sendTestSmsAction } from './actions';
import { liftDailyCapAction } from './cap-actions';

export const metadata: Metadata = { title: 'Deliveries — SMS delivery log' };

type SearchParams = Record<string, string | string[] | undefined>;

function searchString(params: SearchParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const item of ([] as string[]).concat(value ?? [])) search.append(key, item);
  const text = search.toString();
  return text ? `?${text}` : '';
}

function windowLabel(query: ConsoleQuery): string {
  if (query.window.kind === 'relative') return `last ${query.window.name}`;
  return `${formatTime(query.window.from)} – ${query.window.to === null ? 'now' : formatTime(query.window.to)} UTC`;
}

export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const session = await requireOperator(`/deliveries${searchString(params)}`);
  const config = consoleConfig(loadAppEnv());
  const parsed = parseConsoleQuery(params);
  const query: ConsoleQuery = parsed.ok ? parsed.query : { window: { kind: 'relative', name: DEFAULT_WINDOW }, limit: DEFAULT_PAGE_SIZE };

  const access = consoleStore(config);
  let view: ConsoleView | null = null;
  let storeProblem: 'unconfigured' | 'unreachable' | null = access.ok ? null : 'unconfigured';
  if (access.ok && parsed.ok) {
    try {
      view = await loadConsole(access.store, query, Date.now());
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      console.warn(`[console] delivery log unreachable: ${error.message}`);
      storeProblem = 'unreachable';
    }
  }

  // The SMS-pumping defence's side: refusals by reason in the same window, today's cap, the lift form.
  const limits = view
    ? await loadLimitsPanel(consoleLimitsRedis(), { from: view.window.from, to: view.window.to, prefix: consoleLimitsPrefix() })
    : null;

  const here = querySearch(query);
  const highlighted = query.highlight ? view?.rows.find((row) => row.id === query.highlight) : undefined;

  return (
    <div className={styles.console}>
      <div className={styles.head}>
        <div>
          <h1>Deliveries</h1>
          <span className={styles.muted}>Every one-time code the relay sent through SMS Aero, and what SMS Aero reported back.</span>{' '}
          <span className={styles.muted} data-testid="deliveries-operator">
            Operator: {session.user.name ?? session.user.username}.
          </span>
        </div>
        {parsed.ok && <LiveStatus url={`/api/deliveries${querySearch(query, { highlight: undefined })}`} etag={view?.etag ?? null} storeOk={view !== null} />}
      </div>

      {!parsed.ok && (
        <Banner tone="warn" title={`Filter "${parsed.error.param}" is not valid`} testId="query-error">
          {parsed.error.message}. <a href="/deliveries">Reset filters</a>
        </Banner>
      )}
      {storeProblem && <StoreBanner problem={storeProblem} />}
      {query.highlight && view && (
        <Banner tone="info" title={`Message ${query.highlight}`} testId="highlight-banner">
          {highlighted
            ? 'Highlighted below. It moves through queued → transmitted → delivered (or a failure code) as SMS Aero reports, without reloading.'
            : 'Not in this view: check the filters, or wait a moment for its record to arrive.'}
        </Banner>
      )}

      {view && <HealthSummary health={view.health} windowLabel={windowLabel(query)} />}

      <section className={styles.tools}>
        <div className="card">
          <h2>Send a test SMS</h2>
          {config.relay ? (
            <ActionForm action={sendTestSmsAction} submitLabel="Send" pendingLabel="Sending…" testId="send-test">
              <label>
                Phone number
                <input name="phone" type="tel" required autoComplete="off" placeholder="+7 999 000-12-34" />
              </label>
              <label>
                Usage type
                <select name="usageType" defaultValue="SignIn">
                  {LOGTO_USAGE_TYPES.map((usage) => (
                    <option key={usage} value={usage}>
                      {usage}
                    </option>
                  ))}
                </select>
              </label>
            </ActionForm>
          ) : (
            <p className={styles.muted}>Disabled: set SMS_RELAY_URL and SMS_RELAY_TOKEN to the relay Worker&apos;s endpoint and token.</p>
          )}
          <p className={styles.muted}>Goes through the relay Worker like a real sign-in code (marked “test”), with a random code nobody needs.</p>
        </div>
        <div className="card">
          <h2>Find a phone number</h2>
          {config.phoneHashKey ? (
            <ActionForm action={phoneFilterAction} submitLabel="Find" pendingLabel="Finding…" testId="phone-filter">
              <input type="hidden" name="from" value={here} />
              <label>
                Full number
                <input name="phone" type="tel" required autoComplete="off" placeholder="+7 999 000-12-34" />
              </label>
            </ActionForm>
          ) : (
            <p className={styles.muted} data-testid="phone-filter-disabled">
              Disabled: set PHONE_HASH_KEY (the relay Worker&apos;s key). Numbers are never stored, only their keyed hash, so a number can be found only with that key.
            </p>
          )}
          <p className={styles.muted}>The number is turned into its keyed hash on the server; it never appears in the URL or in logs.</p>
        </div>
      </section>

      <section className="card" aria-labelledby="messages-title">
        <h2 id="messages-title">Messages — {query.id ? `message ${query.id}` : windowLabel(query)}</h2>
        <FilterBar query={query} />
        {(query.phone || query.id) && (
          <div className={styles.chips}>
            {query.phone && (
              <span className={styles.chip} data-testid="phone-chip">
                number {query.phone.mask ?? '(hash)'} · <a href={`/deliveries${querySearch(query, { phone: undefined, phoneMask: undefined, cursor: undefined })}`}>clear</a>
              </span>
            )}
            {query.id && (
              <span className={styles.chip}>
                message {query.id} (other filters do not apply) · <a href={`/deliveries${querySearch(query, { id: undefined })}`}>clear</a>
              </span>
            )}
          </div>
        )}
        {view && (
          <>
            <DeliveriesTable rows={view.rows} highlight={query.highlight} back={here} />
            <div className={styles.pager}>
              <span className={styles.muted}>
                {view.rows.length} shown{query.cursor ? ' (older page)' : ', newest first'}
              </span>
              <span>
                {query.cursor && <a href={`/deliveries${querySearch(query, { cursor: undefined })}`}>← Newest</a>}{' '}
                {view.nextCursor && (
                  <a href={`/deliveries${querySearch(query, { cursor: view.nextCursor })}`} data-testid="older">
                    Older →
                  </a>
                )}
              </span>
            </div>
          </>
        )}
      </section>

      {view && !query.id && <HealthDetails health={view.health} />}
      {limits && !query.id && (
        <RefusalsPanel data={limits} windowLabel={windowLabel(query)} liftAction={liftDailyCapAction} refusedHref="/deliveries?status=refused" />
      )}
    </div>
  );
}
