import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * oidc-provider's bundled memory adapter shares one module-level store and warns loudly on start; a store per
 * issuer instance keeps parallel test issuers apart and the dev console quiet.
 */
export function createMemoryAdapterFactory(now: () => number = Date.now): AdapterFactory {
  const entries = new Map<string, Entry>();
  const sessionKeyByUid = new Map<string, string>();
  const keysByGrant = new Map<string, Set<string>>();

  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  // Expired entries are otherwise only dropped when read; a long dev session would keep every token ever issued.
  let writesSinceSweep = 0;
  const sweepNowAndThen = () => {
    writesSinceSweep += 1;
    if (writesSinceSweep < 500) return;
    writesSinceSweep = 0;
    const current = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= current) entries.delete(key);
  };

  return (model: string): Adapter => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        sweepNowAndThen();
        const key = keyOf(id);
        const expiresAt = typeof expiresIn === 'number' ? now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
        entries.set(key, { payload, expiresAt });
        if (model === 'Session' && payload.uid) sessionKeyByUid.set(payload.uid, key);
        if (payload.grantId) {
          const members = keysByGrant.get(payload.grantId) ?? new Set<string>();
          members.add(key);
          keysByGrant.set(payload.grantId, members);
        }
      },
      async find(id) {
        return read(keyOf(id));
      },
      async findByUid(uid) {
        const key = sessionKeyByUid.get(uid);
        return key ? read(key) : undefined;
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        const payload = read(keyOf(id));
        if (payload) payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        const key = keyOf(id);
        const payload = entries.get(key)?.payload;
        entries.delete(key);
        if (payload?.uid) sessionKeyByUid.delete(payload.uid);
      },
      async revokeByGrantId(grantId) {
        for (const key of keysByGrant.get(grantId) ?? []) entries.delete(key);
        keysByGrant.delete(grantId);
      },
    };
  };
}
