import { HASH_FIELDS } from './codec';

// Server-side halves of the store's writes. Each write is one script, so its read-compare-write of the
// hash, timeline append, index moves, counters and TTLs happen atomically in one round trip.
//
// Portability: the scripts run on Upstash, on real Redis (Lua 5.1) and on ioredis-mock (fengari,
// Lua 5.3) in tests. Hence: every ARGV is a string; numbers go back into strings through
// string.format('%d') (Lua 5.3 would print a float as "3.0"); nil replies are normalised by `nz`
// (Redis gives false, the mock a null userdata); reply arrays are only indexed, never passed to unpack.
//
// Keys: every key a script touches is passed in KEYS (the log's version counter always last) except the cohort counter hashes
// (`ctr:m:{minute}`, `ctr:h:{hour}` of the delivery's send time), which the script derives from the
// stored record. Upstash and single-node Redis allow that (Upstash's default global script lock); do not
// add Upstash's `allow-key-locking` flag to these scripts.

const PRELUDE = `
local FIELDS = {${HASH_FIELDS.map((field) => `'${field}'`).join(',')}}

local function nz(x)
  if x == nil or x == false or type(x) == 'userdata' then return nil end
  return x
end
local function s(x)
  x = nz(x)
  if x == nil then return '' end
  return tostring(x)
end
local function int(n) return string.format('%d', n) end

-- Mirror of decideTransition in model.ts, over stored fields: code '' = none, rank '' = undocumented code.
local function decide(cur_code, cur_final, cur_rank, cur_at, in_code, in_final, in_rank, in_at)
  if cur_code ~= '' and cur_code == in_code then return 'duplicate' end
  if cur_final == '1' then return 'stale' end
  if in_final == '1' then return 'apply' end
  if in_rank == '' or cur_rank == '' then return 'apply' end
  local a, b = tonumber(in_rank), tonumber(cur_rank)
  if a < b then return 'stale' end
  if a > b then return 'apply' end
  if tonumber(in_at) < tonumber(cur_at) then return 'stale' end
  return 'apply'
end

local touched_counters = {}
local function count(prefix, minute, hour, field, n)
  if minute == '' or hour == '' then return end
  local km, kh = prefix .. 'm:' .. minute, prefix .. 'h:' .. hour
  redis.call('HINCRBY', km, field, n)
  redis.call('HINCRBY', kh, field, n)
  touched_counters[km] = true
  touched_counters[kh] = true
end
-- A counter hash gets its TTL when first created; later increments keep it.
local function finish_counters(ttl)
  for key in pairs(touched_counters) do
    if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ttl) end
  end
end

local function histogram_field(ttd, bounds)
  for bound in string.gmatch(bounds, '[^,]+') do
    if ttd <= tonumber(bound) then return 'h:' .. bound end
  end
  return 'h:inf'
end

-- Counts a delivery entering an outcome in its send-time cohort.
local function enter_outcome(prefix, minute, hour, outcome, code, ttd, bounds)
  count(prefix, minute, hour, outcome, 1)
  if outcome == 'failed' and code ~= '' then count(prefix, minute, hour, 'f:' .. code, 1) end
  if outcome == 'delivered' and ttd ~= '' then
    local ms = tonumber(ttd)
    count(prefix, minute, hour, histogram_field(ms, bounds), 1)
    count(prefix, minute, hour, 'ttdSum', ms)
    count(prefix, minute, hour, 'ttdN', 1)
  end
end

-- Retention: drop index entries older than the cutoff, a bounded number per write, and keep the index
-- key itself alive for one retention period after its last write.
local function touch_index(key, cutoff, ttl)
  local old = redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. cutoff, 'LIMIT', 0, 50)
  for i = 1, #old do redis.call('ZREM', key, old[i]) end
  redis.call('PEXPIRE', key, ttl)
end

local function append_timeline(tl, msg, kind, body, max)
  redis.call('RPUSH', tl, '{"kind":"' .. kind .. '",' .. body .. '}')
  redis.call('LTRIM', tl, -max, -1)
  if redis.call('PTTL', tl) < 0 then
    local ttl = redis.call('PTTL', msg)
    if ttl > 0 then redis.call('PEXPIRE', tl, ttl) end
  end
end

-- Readers (the console) poll this counter to learn cheaply whether anything changed; bumping it inside
-- the script makes it atomic with the write it announces. It lives as long as an index: when it expires
-- after a retention period without writes, every record it counted has expired too.
local function bump_version(ttl)
  local key = KEYS[#KEYS]
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, ttl)
end

local function reply(result, msg)
  local out = { result }
  local values = redis.call('HMGET', msg, unpack(FIELDS))
  for i = 1, #FIELDS do out[i + 1] = s(values[i]) end
  return out
end
`;

/**
 * recordSend. KEYS: msg, tl, idx:all, idx:outcome:{pending,delivered,failed,unknown}, idx:unmatched,
 * idx:usage:{type}, idx:phone:{hash}, version.
 * ARGV: cutoff, indexTtl, expireAt, counterPrefix, counterTtl, timelineMax, histogramBounds, id,
 * createdAt, usageType, maskedPhone, phoneHash, source, code, outcome, final, ext, rank, ctrM, ctrH,
 * timelineBody.
 * Replies [result, ...HASH_FIELDS values], result: created | merged | duplicate.
 */
export const SEND_SCRIPT = `${PRELUDE}
local msg, tl = KEYS[1], KEYS[2]
local OUT = { pending = KEYS[4], delivered = KEYS[5], failed = KEYS[6], unknown = KEYS[7] }
local cutoff, index_ttl, expire_at, prefix, counter_ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local tl_max, bounds = tonumber(ARGV[6]), ARGV[7]
local id, created_at, usage, masked, phash, source = ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local code, outcome, final, ext, rank = ARGV[14], ARGV[15], ARGV[16], ARGV[17], ARGV[18]
local minute, hour, body = ARGV[19], ARGV[20], ARGV[21]

local result = 'created'
local status_at, delivered_at = created_at, ''
if redis.call('EXISTS', msg) == 1 then
  local cur = redis.call('HMGET', msg, 'source', 'code', 'final', 'rank', 'statusAt', 'outcome', 'ext', 'ctrM', 'ctrH', 'deliveredAt')
  if s(cur[1]) ~= 'unmatched' then return reply('duplicate', msg) end
  -- The callback won the race. Keep its status unless the send's own status is newer.
  result = 'merged'
  if decide(s(cur[2]), s(cur[3]), s(cur[4]), s(cur[5]), code, final, rank, created_at) ~= 'apply' then
    code, final, rank, status_at, outcome, ext = s(cur[2]), s(cur[3]), s(cur[4]), s(cur[5]), s(cur[6]), s(cur[7])
    delivered_at = s(cur[10])
  end
  redis.call('ZREM', KEYS[8], id)
  count(prefix, s(cur[8]), s(cur[9]), 'unmatched', -1)
end

local ttd = ''
if outcome == 'delivered' then
  if delivered_at == '' then delivered_at = status_at end
  ttd = int(math.max(0, tonumber(delivered_at) - tonumber(created_at)))
end

redis.call('HSET', msg, 'id', id, 'createdAt', created_at, 'usageType', usage, 'maskedPhone', masked, 'phoneHash', phash,
  'source', source, 'code', code, 'outcome', outcome, 'final', final, 'ext', ext, 'statusAt', status_at, 'rank', rank,
  'deliveredAt', delivered_at, 'ttd', ttd, 'refusal', '', 'ctrM', minute, 'ctrH', hour)
if result == 'created' then
  redis.call('HSET', msg, 'fwState', 'none', 'fwAttempts', '0', 'fwStatus', '', 'fwError', '')
end
redis.call('PEXPIREAT', msg, expire_at)
append_timeline(tl, msg, 'sent', body, tl_max)
redis.call('PEXPIREAT', tl, expire_at)

local indexes = { KEYS[3], OUT[outcome], KEYS[9], KEYS[10] }
for i = 1, #indexes do
  redis.call('ZADD', indexes[i], created_at, id)
  touch_index(indexes[i], cutoff, index_ttl)
end
if result == 'merged' then touch_index(KEYS[8], cutoff, index_ttl) end

count(prefix, minute, hour, 'sent', 1)
enter_outcome(prefix, minute, hour, outcome, code, ttd, bounds)
finish_counters(counter_ttl)
bump_version(index_ttl)
return reply(result, msg)
`;

/**
 * applyStatus. KEYS: msg, tl, idx:all, idx:outcome:{pending,delivered,failed,unknown}, idx:unmatched,
 * idx:fwdead, version. Every outcome bumps the version: duplicates and stale events still add a
 * timeline entry.
 * ARGV: cutoff, indexTtl, expireAt (for a new unmatched record), counterPrefix, counterTtl, timelineMax,
 * histogramBounds, id, code, outcome, final, ext, rank, at, forward ("1": mark forward pending when the
 * event is applied or unmatched), ctrM and ctrH of `at`, timelineBody.
 * Replies [result, ...HASH_FIELDS values], result: applied | duplicate | stale | unmatched.
 */
export const APPLY_STATUS_SCRIPT = `${PRELUDE}
local msg, tl = KEYS[1], KEYS[2]
local OUT = { pending = KEYS[4], delivered = KEYS[5], failed = KEYS[6], unknown = KEYS[7] }
local cutoff, index_ttl, expire_at, prefix, counter_ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local tl_max, bounds = tonumber(ARGV[6]), ARGV[7]
local id, code, outcome, final, ext, rank, at = ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14]
local forward, at_minute, at_hour, body = ARGV[15], ARGV[16], ARGV[17], ARGV[18]

if redis.call('EXISTS', msg) == 0 then
  -- A callback for an id we have no send for: keep it, visibly, as an unmatched record.
  local delivered_at = ''
  if outcome == 'delivered' then delivered_at = at end
  local fw_state = 'none'
  if forward == '1' then fw_state = 'pending' end
  redis.call('HSET', msg, 'id', id, 'createdAt', at, 'usageType', '', 'maskedPhone', '', 'phoneHash', '', 'source', 'unmatched',
    'code', code, 'outcome', outcome, 'final', final, 'ext', ext, 'statusAt', at, 'rank', rank, 'deliveredAt', delivered_at,
    'ttd', '', 'fwState', fw_state, 'fwAttempts', '0', 'fwStatus', '', 'fwError', '', 'refusal', '', 'ctrM', at_minute, 'ctrH', at_hour)
  redis.call('PEXPIREAT', msg, expire_at)
  append_timeline(tl, msg, 'status', body, tl_max)
  redis.call('PEXPIREAT', tl, expire_at)
  redis.call('ZADD', KEYS[3], at, id)
  redis.call('ZADD', KEYS[8], at, id)
  touch_index(KEYS[3], cutoff, index_ttl)
  touch_index(KEYS[8], cutoff, index_ttl)
  count(prefix, at_minute, at_hour, 'unmatched', 1)
  finish_counters(counter_ttl)
  bump_version(index_ttl)
  return reply('unmatched', msg)
end

local cur = redis.call('HMGET', msg, 'code', 'final', 'rank', 'statusAt', 'outcome', 'createdAt', 'source', 'ctrM', 'ctrH')
local decision = decide(s(cur[1]), s(cur[2]), s(cur[3]), s(cur[4]), code, final, rank, at)
local kind = decision
if decision == 'apply' then kind = 'status' end
append_timeline(tl, msg, kind, body, tl_max)
bump_version(index_ttl)
if decision ~= 'apply' then return reply(decision, msg) end

local previous, created_at, matched = s(cur[5]), s(cur[6]), s(cur[7]) ~= 'unmatched'
redis.call('HSET', msg, 'code', code, 'outcome', outcome, 'final', final, 'ext', ext, 'statusAt', at, 'rank', rank)
local ttd = ''
if outcome == 'delivered' then
  if matched then ttd = int(math.max(0, tonumber(at) - tonumber(created_at))) end
  redis.call('HSET', msg, 'deliveredAt', at, 'ttd', ttd)
end
if matched and previous ~= outcome then
  if OUT[previous] then redis.call('ZREM', OUT[previous], id) end
  redis.call('ZADD', OUT[outcome], created_at, id)
  touch_index(OUT[outcome], cutoff, index_ttl)
  count(prefix, s(cur[8]), s(cur[9]), previous, -1)
  enter_outcome(prefix, s(cur[8]), s(cur[9]), outcome, code, ttd, bounds)
end
if forward == '1' then
  redis.call('HSET', msg, 'fwState', 'pending')
  redis.call('ZREM', KEYS[9], id)
end
finish_counters(counter_ttl)
return reply('applied', msg)
`;

/**
 * recordForwardAttempt. KEYS: msg, tl, idx:fwdead, version. ARGV: cutoff, indexTtl, timelineMax, state,
 * lastStatus, lastError, timelineBody. Replies [recorded, ...HASH_FIELDS values] or [missing].
 */
export const FORWARD_SCRIPT = `${PRELUDE}
local msg, tl = KEYS[1], KEYS[2]
local cutoff, index_ttl, tl_max = ARGV[1], ARGV[2], tonumber(ARGV[3])
local state, last_status, last_error, body = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
if redis.call('EXISTS', msg) == 0 then return { 'missing' } end
redis.call('HINCRBY', msg, 'fwAttempts', 1)
redis.call('HSET', msg, 'fwState', state, 'fwStatus', last_status, 'fwError', last_error)
append_timeline(tl, msg, 'forward', body, tl_max)
if state == 'dead' then
  local meta = redis.call('HMGET', msg, 'id', 'createdAt')
  redis.call('ZADD', KEYS[3], s(meta[2]), s(meta[1]))
  touch_index(KEYS[3], cutoff, index_ttl)
else
  local meta = redis.call('HMGET', msg, 'id')
  redis.call('ZREM', KEYS[3], s(meta[1]))
end
bump_version(index_ttl)
return reply('recorded', msg)
`;

/**
 * recordRefusal. KEYS: msg, tl, idx:all, idx:refused, idx:usage:{type}, idx:phone:{hash} (or idx:all
 * again when the number was unusable), version. ARGV: cutoff, indexTtl, expireAt, counterPrefix, counterTtl,
 * timelineMax, id, createdAt, usageType, maskedPhone, phoneHash, reason, ctrM, ctrH, timelineBody.
 * Replies [created | duplicate, ...HASH_FIELDS values].
 */
export const REFUSAL_SCRIPT = `${PRELUDE}
local msg, tl = KEYS[1], KEYS[2]
local cutoff, index_ttl, expire_at, prefix, counter_ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local tl_max = tonumber(ARGV[6])
local id, created_at, usage, masked, phash, reason = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12]
local minute, hour, body = ARGV[13], ARGV[14], ARGV[15]
if redis.call('EXISTS', msg) == 1 then return reply('duplicate', msg) end
redis.call('HSET', msg, 'id', id, 'createdAt', created_at, 'usageType', usage, 'maskedPhone', masked, 'phoneHash', phash,
  'source', 'relay', 'code', '', 'outcome', 'failed', 'final', '1', 'ext', '', 'statusAt', created_at, 'rank', '',
  'deliveredAt', '', 'ttd', '', 'fwState', 'none', 'fwAttempts', '0', 'fwStatus', '', 'fwError', '', 'refusal', reason,
  'ctrM', minute, 'ctrH', hour)
redis.call('PEXPIREAT', msg, expire_at)
append_timeline(tl, msg, 'refused', body, tl_max)
redis.call('PEXPIREAT', tl, expire_at)
for i = 3, 6 do
  redis.call('ZADD', KEYS[i], created_at, id)
  touch_index(KEYS[i], cutoff, index_ttl)
end
count(prefix, minute, hour, 'refused', 1)
finish_counters(counter_ttl)
bump_version(index_ttl)
return reply('created', msg)
`;
