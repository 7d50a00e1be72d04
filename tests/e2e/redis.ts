import IORedis from 'ioredis';

/** Empties the e2e database of a real Redis (never the default one), so every run starts from a clean log. */
export async function resetE2ERedis(url: string | undefined): Promise<void> {
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
