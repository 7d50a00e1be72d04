// Server-side halves of the cap and refusal counters, one atomic round trip each. Portable like the
// delivery log's scripts (lib/deliveries/scripts.ts): Upstash, Redis (Lua 5.1) and the embedded store
// (fengari, Lua 5.3) — every ARGV a string, integers back through string.format('%d'), nil replies
// normalised by nz.

const PRELUDE = `
local function nz(x)
  if x == nil or x == false or type(x) == 'userdata' or x == '' then return nil end
  return x
end
local function int(n) return string.format('%d', n) end
local function ttl_once(key, seconds)
  if redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, seconds) end
end
`;

/**
 * Reserves one send against the day's cap. KEYS: cap hash. ARGV: countCap ('' = none), costCapMinor
 * ('' = none), ttlSeconds. Replies [ok | count | cost, count, spentMinor]: `ok` counted the send (a
 * reservation, released if SMS Aero refuses it); `count`/`cost` = that cap is reached and nothing
 * changed. A lifted day lets everything through.
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local cap = KEYS[1]
local count_cap, cost_cap = ARGV[1], ARGV[2]
local v = redis.call('HMGET', cap, 'count', 'spent', 'liftedAt')
local count = tonumber(nz(v[1]) or '0')
local spent = tonumber(nz(v[2]) or '0')
if nz(v[3]) == nil then
  if count_cap ~= '' and count >= tonumber(count_cap) then return {'count', int(count), int(spent)} end
  if cost_cap ~= '' and spent >= tonumber(cost_cap) then return {'cost', int(count), int(spent)} end
end
count = redis.call('HINCRBY', cap, 'count', 1)
ttl_once(cap, ARGV[3])
return {'ok', int(count), int(spent)}
`;

/**
 * After a send (or a refused one): KEYS cap hash, policy. ARGV: countDelta, spentDeltaMinor, ttlSeconds,
 * policyJson ('' = leave), policyTtlSeconds. Replies 1.
 */
export const SETTLE_SCRIPT = `${PRELUDE}
local cap = KEYS[1]
if ARGV[1] ~= '0' then redis.call('HINCRBY', cap, 'count', ARGV[1]) end
if ARGV[2] ~= '0' then redis.call('HINCRBY', cap, 'spent', ARGV[2]) end
ttl_once(cap, ARGV[3])
if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5]) end
return 1
`;

/**
 * Lifts the day's cap once. KEYS: cap hash, audit list. ARGV: at, liftedByJson, capTtlSeconds,
 * auditEntryJson, auditMax, auditTtlSeconds. Replies [lifted | already, liftedAt, liftedByJson].
 */
export const LIFT_SCRIPT = `${PRELUDE}
local cap, audit = KEYS[1], KEYS[2]
local v = redis.call('HMGET', cap, 'liftedAt', 'liftedBy')
if nz(v[1]) ~= nil then return {'already', v[1], nz(v[2]) or ''} end
redis.call('HSET', cap, 'liftedAt', ARGV[1], 'liftedBy', ARGV[2])
ttl_once(cap, ARGV[3])
redis.call('LPUSH', audit, ARGV[4])
redis.call('LTRIM', audit, 0, tonumber(ARGV[5]) - 1)
redis.call('EXPIRE', audit, ARGV[6])
return {'lifted', ARGV[1], ARGV[2]}
`;

/** One refusal: KEYS minute hash, hour hash. ARGV: reason, minuteTtlSeconds, hourTtlSeconds. */
export const COUNT_REFUSAL_SCRIPT = `${PRELUDE}
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
ttl_once(KEYS[1], ARGV[2])
ttl_once(KEYS[2], ARGV[3])
return 1
`;
