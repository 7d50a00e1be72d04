import type { ReactNode } from 'react';
import styles from './console.module.css';

export function Banner({ tone, title, children, testId }: { tone: 'bad' | 'warn' | 'info'; title: string; children?: ReactNode; testId?: string }) {
  const toneClass = tone === 'bad' ? styles.bannerBad : tone === 'warn' ? styles.bannerWarn : styles.bannerInfo;
  return (
    <div className={`${styles.banner} ${toneClass}`} role={tone === 'info' ? 'status' : 'alert'} data-testid={testId}>
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function StoreBanner({ problem }: { problem: 'unconfigured' | 'unreachable' }) {
  return problem === 'unconfigured' ? (
    <Banner tone="bad" title="The delivery log is not configured" testId="store-banner">
      Set <code>KV_REST_API_URL</code> and <code>KV_REST_API_TOKEN</code> (Upstash Redis REST, the same database the relay Worker writes). <code>npm run dev</code> starts a local store and sets them for you.
    </Banner>
  ) : (
    <Banner tone="bad" title="Store unreachable" testId="store-banner">
      The delivery log (Upstash Redis) did not answer, so no messages or numbers can be shown. This page keeps checking and fills in as soon as it answers.
    </Banner>
  );
}
