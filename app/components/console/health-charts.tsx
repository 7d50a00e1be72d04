'use client';

import 'chartist/dist/index.css';
import { useEffect, useRef } from 'react';
import { formatClock } from '@/lib/console/format';
import type { HealthChartData } from '@/lib/console/health';
import styles from './console.module.css';

// Draws the numbers the server computed (counters from store.stats) and nothing else: no fetching here.
// Chartist is loaded after hydration, so it is not part of the page's first-load JavaScript.

type Drawable = { detach(): void };

function bucketLabel(start: number, bucketMs: number): string {
  const iso = new Date(start).toISOString();
  return bucketMs >= 86_400_000 ? iso.slice(5, 10) : bucketMs >= 3_600_000 && start % 86_400_000 === 0 ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : formatClock(start).slice(0, 5);
}

type DrawEvent = { type: string; index?: number; seriesIndex?: number; value?: { y?: number | null }; element: { getNode(): Element } };

// Bar titles give exact numbers on hover without a tooltip plugin (textContent: numbers and our labels).
function addTitle(event: DrawEvent, names: string[], labels: string[]) {
  if (event.type !== 'bar' || event.index === undefined || event.seriesIndex === undefined) return;
  const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  title.textContent = `${labels[event.index] ?? ''} · ${names[event.seriesIndex] ?? ''}: ${event.value?.y ?? 0}`;
  event.element.getNode().appendChild(title);
}

export function HealthCharts({ data }: { data: HealthChartData }) {
  const outcomes = useRef<HTMLDivElement>(null);
  const ttd = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    const charts: Drawable[] = [];
    void import('chartist').then(({ BarChart }) => {
      if (cancelled || !outcomes.current || !ttd.current) return;
      const labels = data.buckets.map((bucket) => bucketLabel(bucket.start, data.bucketMs));
      const every = Math.max(1, Math.ceil(labels.length / 8));
      const names = ['delivered', 'failed', 'pending'];
      const stacked = new BarChart(
        outcomes.current,
        { labels, series: [data.buckets.map((b) => b.delivered), data.buckets.map((b) => b.failed), data.buckets.map((b) => b.pending)] },
        {
          stackBars: true,
          height: '170px',
          chartPadding: { top: 8, right: 8, bottom: 0, left: 0 },
          axisX: { showGrid: false, labelInterpolationFnc: (value, index) => (index % every === 0 ? String(value) : null) },
          axisY: { onlyInteger: true, low: 0 },
        },
      );
      stacked.on('draw', (event: DrawEvent) => addTitle(event, names, labels));
      const ttdLabels = data.timeToDeliver.map((bucket) => bucket.label);
      const histogram = new BarChart(
        ttd.current,
        { labels: ttdLabels, series: [data.timeToDeliver.map((bucket) => bucket.count)] },
        {
          height: '170px',
          chartPadding: { top: 8, right: 8, bottom: 0, left: 0 },
          axisX: { showGrid: false, labelInterpolationFnc: (value, index) => (index % Math.max(1, Math.ceil(ttdLabels.length / 7)) === 0 ? String(value) : null) },
          axisY: { onlyInteger: true, low: 0 },
        },
      );
      histogram.on('draw', (event: DrawEvent) => addTitle(event, ['messages'], ttdLabels));
      charts.push(stacked, histogram);
    });
    return () => {
      cancelled = true;
      for (const chart of charts) chart.detach();
      outcomes.current?.replaceChildren();
      ttd.current?.replaceChildren();
    };
  }, [data]);

  return (
    <div className={styles.charts}>
      <figure className={styles.chart} data-testid="chart-outcomes">
        <h3>Sends per {data.bucketMs >= 3_600_000 ? `${data.bucketMs / 3_600_000} h` : `${data.bucketMs / 60_000} min`}, by current status</h3>
        <div className={styles.legend}>
          <span className={styles.legendDelivered}>delivered</span>
          <span className={styles.legendFailed}>failed</span>
          <span className={styles.legendPending}>pending</span>
        </div>
        <div ref={outcomes} className={styles.chartBox} role="img" aria-label="Delivered, failed and pending sends per time bucket" />
      </figure>
      <figure className={`${styles.chart} ${styles.ttd}`} data-testid="chart-ttd">
        <h3>Time to deliver</h3>
        <div className={styles.legend}>
          <span>messages per time-to-deliver bucket</span>
        </div>
        <div ref={ttd} className={`${styles.chartBox}`} role="img" aria-label="Histogram of time to deliver" />
      </figure>
    </div>
  );
}
