import { inertText } from '@/lib/console/format';
import styles from './console.module.css';

/** Text that came from SMS Aero (extendStatus, extra callback fields): React text only, never HTML,
 * with CR/LF and other control characters shown as symbols so they cannot reshape the page. */
export function UntrustedText({ value }: { value: string | number | boolean | null | undefined }) {
  if (value === null || value === undefined || value === '') return null;
  return (
    <span className={styles.untrusted} data-untrusted="" title="As received from SMS Aero">
      {inertText(String(value))}
    </span>
  );
}
