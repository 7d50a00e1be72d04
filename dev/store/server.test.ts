import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, startStoreServer, type StoreServer } from './server';

const TOKEN = 'test-store-token';

// The embedded engine always; the real Redis too when REDIS_URL is set (CI sets redis://127.0.0.1:6379).
const backends: { name: string; redisUrl?: string }[] = [{ name: 'embedded engine' }];
if (process.env.REDIS_URL) backends.push({ name: 'real Redis', redisUrl: process.env.REDIS_URL });

describe.each(backends)('store server on $name', ({ redisUrl }) => {
  let store: StoreServer;
  let redis: Redis;
  // Every key lives under this prefix so a shared Redis is left as we found it.
  const prefix = `test:store:${Math.random().toString(36).slice(2)}:`;
  const key = (name: string) => `${prefix}${name}`;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${store.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    store = await startStoreServer({ port: 0, token: TOKEN, redisUrl });
    redis = new Redis({ url: store.url, token: TOKEN, enableTelemetry: false });
  });

  afterAll(async () => {
    const leftovers = await redis.keys(`${prefix}*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    await store.close();
  });

  describe('through @upstash/redis', () => {
    it('stores and reads strings, unicode and JSON objects', async () => {
      await redis.set(key('plain'), 'hello');
      await redis.set(key('unicode'), 'Привет, мир ✓ 🚀');
      await redis.set(key('json'), { status: 'delivered', attempts: 2, tags: ['a', 'b'] });

      expect(await redis.get(key('plain'))).toBe('hello');
      expect(await redis.get(key('unicode'))).toBe('Привет, мир ✓ 🚀');
      expect(await redis.get(key('json'))).toEqual({ status: 'delivered', attempts: 2, tags: ['a', 'b'] });
      expect(await redis.get(key('missing'))).toBeNull();
    });

    it('honours SET options (NX, EX) and counters', async () => {
      expect(await redis.set(key('once'), 'first', { nx: true, ex: 60 })).toBe('OK');
      expect(await redis.set(key('once'), 'second', { nx: true, ex: 60 })).toBeNull();
      expect(await redis.get(key('once'))).toBe('first');
      const ttl = await redis.ttl(key('once'));
      expect(ttl).toBeGreaterThan(50);
      expect(ttl).toBeLessThanOrEqual(60);
      expect(await redis.incr(key('counter'))).toBe(1);
      expect(await redis.incrby(key('counter'), 41)).toBe(42);
    });

    it('keeps or sets TTLs as SET KEEPTTL and EXPIRE NX/XX/GT/LT say', async () => {
      await redis.set(key('ttl'), 'a', { ex: 100 });
      await redis.set(key('ttl'), 'b', { keepTtl: true });
      expect(await redis.ttl(key('ttl'))).toBeGreaterThan(90);
      expect(await redis.expire(key('ttl'), 500, 'NX')).toBe(0);
      expect(await redis.expire(key('ttl'), 50, 'GT')).toBe(0);
      expect(await redis.expire(key('ttl'), 500, 'GT')).toBe(1);
      expect(await redis.ttl(key('ttl'))).toBeGreaterThan(400);
      await redis.set(key('ttl'), 'c');
      expect(await redis.ttl(key('ttl'))).toBe(-1);
      expect(await redis.expire(key('ttl'), 30, 'XX')).toBe(0);
      expect(await redis.expire(key('ttl'), 30, 'NX')).toBe(1);
      expect(await redis.ttl(key('ttl'))).toBeGreaterThan(20);
    });

    it('writes and reads hashes', async () => {
      expect(await redis.hset(key('hash'), { status: 'queued', code: 0, note: 'ünïcode' })).toBe(3);
      expect(await redis.hgetall(key('hash'))).toEqual({ status: 'queued', code: 0, note: 'ünïcode' });
      expect(await redis.hget(key('hash'), 'status')).toBe('queued');
      expect(await redis.hmget(key('hash'), 'status', 'absent')).toEqual({ status: 'queued', absent: null });
      expect(await redis.hgetall(key('no-hash'))).toBeNull();
    });

    it('orders sorted sets with REV, BYSCORE and LIMIT', async () => {
      await redis.zadd(key('zset'), { score: 10, member: 'a' }, { score: 20, member: 'b' }, { score: 30, member: 'c' }, { score: 40, member: 'd' });

      expect(await redis.zrange(key('zset'), 0, -1, { rev: true })).toEqual(['d', 'c', 'b', 'a']);
      expect(await redis.zrange(key('zset'), 15, 35, { byScore: true })).toEqual(['b', 'c']);
      expect(await redis.zrange(key('zset'), '-inf', '+inf', { byScore: true, offset: 1, count: 2 })).toEqual(['b', 'c']);
      expect(await redis.zrange(key('zset'), '+inf', '(20', { byScore: true, rev: true, withScores: true })).toEqual(['d', 40, 'c', 30]);
      expect(await redis.zscore(key('zset'), 'b')).toBe(20);
      expect(await redis.zcard(key('zset'))).toBe(4);
    });

    it('respects fractional score bounds and ZADD GT/NX/INCR', async () => {
      await redis.zadd(key('zfrac'), { score: 1.5, member: 'a' }, { score: 1.7, member: 'b' }, { score: 1700000000123, member: 'c' });
      expect(await redis.zrange(key('zfrac'), '(1.5', '+inf', { byScore: true })).toEqual(['b', 'c']);
      expect(await redis.zcount(key('zfrac'), 1.6, 2)).toBe(1);

      expect(await redis.zadd(key('zfrac'), { gt: true }, { score: 1, member: 'a' })).toBe(0);
      expect(await redis.zscore(key('zfrac'), 'a')).toBe(1.5);
      expect(await redis.zadd(key('zfrac'), { gt: true, ch: true }, { score: 9, member: 'a' })).toBe(1);
      expect(await redis.zadd(key('zfrac'), { nx: true }, { score: 0, member: 'a' })).toBe(0);
      expect(await redis.zadd(key('zfrac'), { incr: true }, { score: 1, member: 'a' })).toBe(10);
      expect(await redis.zremrangebyscore(key('zfrac'), '(1.5', 10)).toBe(2);
      expect(await redis.zrange(key('zfrac'), 0, -1, { withScores: true })).toEqual(['c', 1700000000123]);
    });

    it('runs a pipeline and reports each command on its own', async () => {
      const results = await redis.pipeline().set(key('p'), 5).incr(key('p')).get(key('p')).hget(key('p'), 'x').exec({ keepErrors: true });

      expect(results.slice(0, 3).map((r) => r.result)).toEqual(['OK', 6, 6]);
      // HGET on a string: real Redis raises WRONGTYPE, ioredis-mock answers nil. Either way only this entry.
      const last = results[3];
      expect(last?.error === undefined ? last?.result : last.error).toSatisfy(
        (v: unknown) => v === null || (typeof v === 'string' && v.startsWith('WRONGTYPE')),
      );
    });

    it('runs a transaction (multi-exec)', async () => {
      const results = await redis.multi().set(key('tx'), 'v1').append(key('tx'), '+v2').get(key('tx')).exec();
      expect(results).toEqual(['OK', 5, 'v1+v2']);
    });

    it('finds keys with SCAN and KEYS', async () => {
      await redis.mset({ [key('scan:1')]: 'a', [key('scan:2')]: 'b' });
      const scanAll = async (type?: string) => {
        const found: string[] = [];
        let cursor: string | number = 0;
        do {
          const [next, keys]: [string | number, string[]] = await redis.scan(cursor, { match: `${prefix}scan:*`, count: 100, type });
          found.push(...keys);
          cursor = next;
        } while (String(cursor) !== '0');
        return found.sort();
      };
      expect(await scanAll()).toEqual([key('scan:1'), key('scan:2')]);
      expect((await redis.keys(`${prefix}scan:*`)).sort()).toEqual([key('scan:1'), key('scan:2')]);

      await redis.hset(key('scan:h'), { f: 'v' });
      expect(await scanAll('hash')).toEqual([key('scan:h')]);
    });

    it('evaluates Lua scripts with KEYS and ARGV', async () => {
      const script = `
        local current = redis.call('HGET', KEYS[1], 'status')
        if current == ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'status', ARGV[1])
        return 1`;
      expect(await redis.eval(script, [key('lua-hash')], ['transmitted'])).toBe(1);
      expect(await redis.eval(script, [key('lua-hash')], ['transmitted'])).toBe(0);
      expect(await redis.hget(key('lua-hash'), 'status')).toBe('transmitted');
    });

    it('loads scripts and runs them by SHA (SCRIPT LOAD / EVALSHA / createScript fallback)', async () => {
      const source = "return ARGV[1] .. ':' .. KEYS[1]";
      const sha = await redis.scriptLoad(source);
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await redis.evalsha(sha, ['k'], ['v'])).toBe('v:k');
      expect(await redis.scriptExists(sha, '0'.repeat(40))).toEqual([1, 0]);
      await expect(redis.evalsha('f'.repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);

      // createScript tries EVALSHA first and falls back to EVAL on NOSCRIPT — the usual production path.
      const fresh = redis.createScript<string>(`return 'fresh-${prefix}' .. ARGV[1]`);
      expect(await fresh.exec([], ['1'])).toBe(`fresh-${prefix}1`);
      expect(await fresh.evalsha([], ['2'])).toBe(`fresh-${prefix}2`);
    });
  });

  // The delivery store's state machine runs as Lua; these pin the Redis semantics it relies on, so a
  // script that passes on the embedded engine behaves the same on a real Redis.
  describe('Lua semantics', () => {
    // Without deserialisation the test sees exactly what the script returned ("2" stays a string).
    const run = (script: string, keys: string[] = [], args: string[] = []) =>
      new Redis({ url: store.url, token: TOKEN, enableTelemetry: false, automaticDeserialization: false }).eval(script, keys, args);

    it('gives integer replies as integers (tostring → "2", not "2.0")', async () => {
      await redis.set(key('lua-n'), 1);
      expect(await run("local n = redis.call('INCR', KEYS[1]); return {tostring(n), 'n=' .. n, n + 1}", [key('lua-n')])).toEqual(['2', 'n=2', 3]);
    });

    it('hands array replies over as Lua tables with false for nil', async () => {
      await redis.hset(key('lua-h'), { a: 'x' });
      const script = "local r = redis.call('HMGET', KEYS[1], 'a', 'missing'); return {type(r), #r, r[1], tostring(r[2])}";
      expect(await run(script, [key('lua-h')])).toEqual(['table', 2, 'x', 'false']);
      expect(await run("return redis.call('HGETALL', KEYS[1])", [key('lua-h')])).toEqual(['a', 'x']);
    });

    it('reads an empty string as an empty string, a missing key as false', async () => {
      const script = "redis.call('SET', KEYS[1], ''); return {type(redis.call('GET', KEYS[1])), tostring(redis.call('GET', KEYS[2]))}";
      expect(await run(script, [key('lua-empty'), key('lua-absent')])).toEqual(['string', 'false']);
    });

    it('converts return values the Redis way', async () => {
      expect(await run('return 3.99')).toBe(3);
      expect(await run('return true')).toBe(1);
      expect(await run('return false')).toBeNull();
      expect(await run('return nil')).toBeNull();
      expect(await run("return {1, 'two', {3}}")).toEqual([1, 'two', [3]]);
      expect(await run("return {1, nil, 3}")).toEqual([1]);
      expect(await run("return redis.status_reply('FINE')")).toBe('FINE');
    });

    it('turns error replies and failed calls into command errors', async () => {
      await expect(run("return redis.error_reply('STALE status went backwards')")).rejects.toThrow('STALE status went backwards');
      await expect(run("return {err = 'ERR custom failure'}")).rejects.toThrow('ERR custom failure');
      await expect(run("return redis.call('NO_SUCH_COMMAND')")).rejects.toThrow(/Unknown Redis command/);
      await expect(run('return (')).rejects.toThrow(/Error compiling script/);
      expect(await run("local r = redis.pcall('NO_SUCH_COMMAND'); return type(r.err)")).toBe('string');
    });

    it('refuses global variables like Redis does', async () => {
      await expect(run('counter = 1; return counter')).rejects.toThrow(/Attempt to modify a readonly table/);
      await expect(run('return undeclared_name')).rejects.toThrow(/nonexistent global variable 'undeclared_name'/);
    });

    it('has cjson for encoding and decoding records', async () => {
      const script = "local r = cjson.decode(ARGV[1]); r.attempts = r.attempts + 1; r.path = 'a/b'; return cjson.encode(r)";
      const encoded = await run(script, [], [JSON.stringify({ attempts: 1, status: 'queue', note: 'ü "q"', gone: null })]);
      expect(JSON.parse(encoded as string)).toEqual({ attempts: 2, status: 'queue', note: 'ü "q"', path: 'a/b', gone: null });
      expect(await run("return cjson.encode({1, 2, 'x'})")).toBe('[1,2,"x"]');
      await expect(run("return cjson.decode('{broken')")).rejects.toThrow();
    });

    it('passes numbers given to redis.call as Redis does', async () => {
      const script = "redis.call('SET', KEYS[1], 10 / 4); redis.call('HSET', KEYS[2], 'f', 6 / 2); return {redis.call('GET', KEYS[1]), redis.call('HGET', KEYS[2], 'f')}";
      expect(await run(script, [key('lua-num'), key('lua-num-h')])).toEqual(['2.5', '3']);
    });

    it('keeps millisecond timestamps whole', async () => {
      const script = "local t = tonumber(ARGV[1]); redis.call('HSET', KEYS[1], 'at', t + 5); return {tostring(t), t, redis.call('HGET', KEYS[1], 'at')}";
      expect(await run(script, [key('lua-ts')], ['1700000000123'])).toEqual(['1700000000123', 1700000000123, '1700000000128']);
    });
  });

  describe('wire protocol', () => {
    it('answers 401 {"error":"Unauthorized"} for a missing or wrong token', async () => {
      const wrong = await fetch(store.url, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '["PING"]' });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({ error: 'Unauthorized' });
      const missing = await fetch(store.url, { method: 'POST', body: '["PING"]' });
      expect(missing.status).toBe(401);

      const intruder = new Redis({ url: store.url, token: 'wrong', enableTelemetry: false, enableAutoPipelining: false });
      await expect(intruder.get(key('plain'))).rejects.toThrow(/Unauthorized/);
    });

    it('takes the token from ?_token= as Upstash does', async () => {
      const res = await fetch(`${store.url}/ping?_token=${TOKEN}`);
      expect(await res.json()).toEqual({ result: 'PONG' });
    });

    it('returns {"result"} for a command and base64-encodes strings when asked', async () => {
      await post('/', ['SET', key('wire'), 'zwei wörter']);
      const plain = await post('/', ['GET', key('wire')]);
      expect(plain.status).toBe(200);
      expect(await plain.json()).toEqual({ result: 'zwei wörter' });

      await post('/', ['RPUSH', key('wire-list'), 'a', 'ß']);
      const encoded = await post('/pipeline', [['GET', key('wire')], ['LRANGE', key('wire-list'), 0, -1], ['LLEN', key('wire-list')], ['GET', key('absent')]], {
        'upstash-encoding': 'base64',
      });
      const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
      expect(await encoded.json()).toEqual([{ result: b64('zwei wörter') }, { result: [b64('a'), b64('ß')] }, { result: 2 }, { result: null }]);
    });

    it('maps command errors to 400 {"error":"ERR …"}', async () => {
      const unknown = await post('/', ['NO_SUCH_COMMAND', 'x']);
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { error: string }).error).toMatch(/^ERR unknown command 'NO_SUCH_COMMAND'/i);

      await expect(redis.eval('return (', [], [])).rejects.toThrow(/ERR Error compiling script/);
    });

    it('rejects malformed bodies with a message naming the problem', async () => {
      const cases: [string, unknown, RegExp][] = [
        ['/', '{not json', /not valid JSON/],
        ['/', { command: 'GET' }, /must be a JSON array/],
        ['/', [], /empty/],
        ['/', ['SET', 'k', null], /item 2 must be a string, number or boolean/],
        ['/pipeline', [], /no commands/],
        ['/pipeline', [['GET', 'k'], 'GET'], /command 1 must be a JSON array/],
      ];
      for (const [path, body, message] of cases) {
        const res = await post(path, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(message);
      }
    });

    it('discards a whole transaction when a command cannot be queued', async () => {
      const res = await post('/multi-exec', [['SET', key('tx-abort'), '1'], ['NO_SUCH_COMMAND']]);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^EXECABORT/);
      expect(await redis.get(key('tx-abort'))).toBeNull();
    });

    it('refuses connection-state commands', async () => {
      const res = await post('/', ['SELECT', '2']);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "ERR Command is not available: 'select'" });
    });

    it('accepts the path form /set/key/value and /get/key', async () => {
      const set = await fetch(`${store.url}/set/${encodeURIComponent(key('path'))}/v%20w?EX=100`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await set.json()).toEqual({ result: 'OK' });
      const get = await fetch(`${store.url}/get/${encodeURIComponent(key('path'))}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await get.json()).toEqual({ result: 'v w' });
      expect(await redis.ttl(key('path'))).toBeGreaterThan(90);
    });

    it('refuses bodies over 1 MB with 413 and other methods with 405', async () => {
      const huge = await post('/', JSON.stringify(['SET', key('huge'), 'x'.repeat(MAX_BODY_BYTES)]));
      expect(huge.status).toBe(413);
      expect(await redis.exists(key('huge'))).toBe(0);
      const put = await fetch(store.url, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` }, body: '["PING"]' });
      expect(put.status).toBe(405);
    });

    it('counts every command handed to Redis and every request', async () => {
      store.resetStats();
      const raw = new Redis({ url: store.url, token: TOKEN, enableTelemetry: false, enableAutoPipelining: false });
      await raw.get(key('stats'));
      await raw.pipeline().set(key('stats'), 1).incr(key('stats')).incr(key('stats')).get(key('stats')).del(key('stats')).exec();
      await raw.multi().set(key('stats'), 1).del(key('stats')).exec();
      await post('/', ['NO_SUCH_COMMAND']);
      await fetch(store.url, { method: 'POST', body: '["PING"]' });
      expect(store.stats()).toEqual({ commands: 1 + 5 + 2 + 1, requests: 5 });
      store.resetStats();
      expect(store.stats()).toEqual({ commands: 0, requests: 0 });
    });
  });
});

describe('startStoreServer options', () => {
  it('binds loopback only', async () => {
    await expect(startStoreServer({ port: 0, token: TOKEN, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('needs a token', async () => {
    await expect(startStoreServer({ port: 0, token: '' })).rejects.toThrow(/token/);
  });

  it('keeps separate embedded stores apart', async () => {
    const a = await startStoreServer({ port: 0, token: TOKEN });
    const b = await startStoreServer({ port: 0, token: TOKEN });
    try {
      await new Redis({ url: a.url, token: TOKEN, enableTelemetry: false }).set('shared-name', 'a');
      expect(await new Redis({ url: b.url, token: TOKEN, enableTelemetry: false }).get('shared-name')).toBeNull();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails clearly when REDIS_URL is unreachable', async () => {
    await expect(startStoreServer({ port: 0, token: TOKEN, redisUrl: 'redis://127.0.0.1:1' })).rejects.toThrow(/Cannot connect to REDIS_URL/);
  });
});
