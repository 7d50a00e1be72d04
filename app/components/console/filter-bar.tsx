import { CONSOLE_STATUSES, querySearch, WINDOWS, type ConsoleQuery } from '@/lib/console/query';
import { LOGTO_USAGE_TYPES } from '@/lib/smsaero/usage-types';
import styles from './console.module.css';

const localInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/** Plain GET form: filters land in the URL, so a view can be bookmarked and shared; works without JS. */
export function FilterBar({ query }: { query: ConsoleQuery }) {
  const windowName = query.window.kind === 'relative' ? query.window.name : '';
  return (
    <form method="get" action="/deliveries" className={styles.form} data-testid="filters">
      <label>
        Status
        <select name="status" defaultValue={query.status ?? ''}>
          <option value="">all</option>
          {CONSOLE_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label>
        Usage
        <select name="usage" defaultValue={query.usage ?? ''}>
          <option value="">all</option>
          {LOGTO_USAGE_TYPES.map((usage) => (
            <option key={usage} value={usage}>
              {usage}
            </option>
          ))}
        </select>
      </label>
      <label>
        Window
        <select name="window" defaultValue={windowName}>
          {Object.keys(WINDOWS).map((name) => (
            <option key={name} value={name}>
              last {name}
            </option>
          ))}
          <option value="">from / to below</option>
        </select>
      </label>
      <label>
        From (UTC)
        <input type="datetime-local" name="from" defaultValue={query.window.kind === 'absolute' ? localInput(query.window.from) : ''} />
      </label>
      <label>
        To (UTC)
        <input type="datetime-local" name="to" defaultValue={query.window.kind === 'absolute' && query.window.to !== null ? localInput(query.window.to) : ''} />
      </label>
      <label>
        Message id
        <input name="id" inputMode="numeric" defaultValue={query.id ?? ''} placeholder="SMS Aero id" />
      </label>
      {query.phone && <input type="hidden" name="phone" value={query.phone.hash} />}
      {query.phone?.mask && <input type="hidden" name="phoneMask" value={query.phone.mask} />}
      <button type="submit" className="button">
        Apply
      </button>
      <a href="/deliveries" className={styles.muted}>
        Reset
      </a>
      <a href={`/api/deliveries/export${querySearch(query, { cursor: undefined, highlight: undefined })}`} className={styles.muted} data-testid="export-csv" download>
        Export CSV
      </a>
    </form>
  );
}
