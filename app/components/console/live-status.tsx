'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import styles from './console.module.css';

// Live updates by polling (ADR 010): every POLL_MS a HEAD request with If-None-Match. 304 = nothing
// changed (the server read one counter); 200 = something did, and router.refresh() re-renders the
// server components with the new rows. No long-lived connection, so it works on any serverless host.

const POLL_MS = 2_500;
const STALE_AFTER_MS = 10_000;

type State = 'live' | 'stale' | 'unreachable' | 'signed-out';

export function LiveStatus({ url, etag, storeOk }: { url: string; etag: string | null; storeOk: boolean }) {
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const baseline = useRef(etag);
  const [lastSuccess, setLastSuccess] = useState<number | null>(null);
  const [problem, setProblem] = useState<'unreachable' | 'offline' | 'signed-out' | null>(storeOk ? null : 'unreachable');
  const [now, setNow] = useState<number | null>(null);

  // A new render from the server brings the ETag of the data it shows.
  useEffect(() => {
    baseline.current = etag;
  }, [etag]);

  useEffect(() => {
    if (storeOk) setLastSuccess(Date.now());
  }, [storeOk, etag]);

  const busy = useRef(false);
  busy.current = refreshing;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    async function poll() {
      if (stopped) return;
      if (!document.hidden && !busy.current) {
        try {
          const headers: HeadersInit = baseline.current ? { 'If-None-Match': baseline.current } : {};
          const response = await fetch(url, { method: 'HEAD', headers, cache: 'no-store', credentials: 'same-origin' });
          if (response.status === 304 || response.ok) {
            setProblem(null);
            setLastSuccess(Date.now());
            if (response.ok) {
              baseline.current = response.headers.get('ETag') ?? baseline.current;
              startRefresh(() => router.refresh());
            }
          } else if (response.status === 401 || response.status === 403) {
            setProblem('signed-out');
          } else {
            setProblem('unreachable');
          }
        } catch {
          setProblem('offline');
        }
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    }
    // A hidden tab does not poll; coming back checks at once.
    const onVisible = () => {
      if (document.hidden) return;
      clearTimeout(timer);
      void poll();
    };
    document.addEventListener('visibilitychange', onVisible);
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [url, router]);

  useEffect(() => {
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(tick);
  }, []);

  const age = lastSuccess !== null && now !== null ? Math.max(0, Math.round((now - lastSuccess) / 1000)) : null;
  const ago = age === null ? '' : `${age} s ago`;
  let state: State = 'live';
  let text = 'Live';
  if (problem === 'signed-out') {
    state = 'signed-out';
    text = 'Session ended — reload the page to sign in again';
  } else if (problem === 'unreachable') {
    state = 'unreachable';
    text = lastSuccess === null ? 'Store unreachable' : `Store unreachable — last updated ${ago}`;
  } else if (problem === 'offline') {
    state = 'unreachable';
    text = `App unreachable — last updated ${ago}`;
  } else if (age !== null && age * 1000 > STALE_AFTER_MS) {
    state = 'stale';
    text = `Stale — last updated ${ago}`;
  } else if (age !== null) {
    text = refreshing ? 'Live — updating…' : `Live — checked ${ago}`;
  }
  return (
    <span className={styles.live} data-state={state} data-testid="live-status" role="status" aria-live="polite">
      {text}
    </span>
  );
}
