import IORedis from 'ioredis';

// Test suites that run against a real Redis (REDIS_URL, set in CI) each own one database of it, emptied
// before use: the e2e stack owns 3, the Worker tests 4. Without REDIS_URL they use the embedded engine.

/** REDIS_URL pointed at database `db`, or undefined when no real Redis is configured. */
export function ownedRedisUrl(db: number): string | undefined {
  const base = process.env.REDIS_URL;
  return base ? `${base.replace(/\/\d*$/, '')}/${db}` : undefined;
}

/** Empties a test-owned database (never the default one, which other tools may use). */
export async function emptyRedisDatabase(url: string | undefined): Promise<void> {
  if (!url) return;
  if (/\/0?$/.test(url)) throw new Error(`refusing to flush the default Redis database (${url})`);
  const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    await client.flushdb();
  } finally {
    client.disconnect();
  }
}
