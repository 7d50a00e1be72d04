// ioredis-mock gets some commands wrong in ways our code would hit: it only understands upper-case option
// keywords (@upstash/redis sends `set k v nx ex 60` in lower case, so NX and EX were silently ignored), and it
// ignores EXPIRE NX/XX/GT/LT, ZADD GT/LT, ZADD INCR's reply, SET KEEPTTL and SCAN TYPE, and it parses score
// bounds with parseInt (so `(1.5` meant `(1`). These Lua handlers
// sit between `redis.call` and the mock (see embedded-lua.ts); the embedded backend routes direct commands
// with these names through the same path, so scripts and REST calls get one behaviour.
//
// Each handler gets `args` (args[1] is the command name) and `n`, and returns reply, error — the same as
// __raw, which they use to reach the mock.
export const FIXED_COMMANDS = [
  'set', 'zadd', 'linsert', 'lmove', 'expire', 'pexpire', 'expireat', 'pexpireat', 'scan',
  'zrange', 'zrangebyscore', 'zrevrangebyscore', 'zcount', 'zremrangebyscore',
] as const;

export const LUA_COMMAND_FIXES = String.raw`
local __fixes = {}

local function __upper_at(args, from, to)
  for i = from, to do args[i] = string.upper(args[i]) end
end

__fixes.set = function(args, n)
  __upper_at(args, 4, n)
  local keep_ttl = false
  local kept = {}
  for i = 1, n do
    if i >= 4 and args[i] == 'KEEPTTL' then keep_ttl = true else kept[#kept + 1] = args[i] end
  end
  -- The mock clears the TTL on every SET without an expiry option.
  local ttl_before
  if keep_ttl then ttl_before = __raw('pttl', args[2]) end
  local res, err = __raw(table.unpack(kept))
  if err then return nil, err end
  if keep_ttl and res ~= false and type(ttl_before) == 'number' and ttl_before > 0 then
    __raw('pexpire', args[2], tostring(ttl_before))
  end
  return res
end

local __zadd_flags = { NX = true, XX = true, GT = true, LT = true, CH = true, INCR = true }

__fixes.zadd = function(args, n)
  local key = args[2]
  local flags = {}
  local i = 3
  while i <= n and __zadd_flags[string.upper(args[i])] do
    flags[string.upper(args[i])] = true
    i = i + 1
  end
  if flags.NX and flags.XX then return nil, 'ERR XX and NX options at the same time are not compatible' end
  if (flags.GT or flags.LT) and flags.NX then return nil, 'ERR GT, LT, and/or NX options at the same time are not compatible' end
  if flags.GT and flags.LT then return nil, 'ERR GT, LT, and/or NX options at the same time are not compatible' end
  local pairs_left = n - i + 1
  if pairs_left < 2 or pairs_left % 2 ~= 0 then return nil, 'ERR syntax error' end
  for j = i, n, 2 do
    if tonumber(args[j]) == nil then return nil, 'ERR value is not a valid float' end
  end

  if flags.INCR then
    if pairs_left ~= 2 then return nil, 'ERR INCR option supports a single increment-element pair' end
    local current = __raw('zscore', key, args[i + 1])
    local exists = current ~= false
    if (flags.NX and exists) or (flags.XX and not exists) then return false end
    local next_score = (exists and tonumber(current) or 0) + tonumber(args[i])
    if exists and ((flags.GT and next_score <= tonumber(current)) or (flags.LT and next_score >= tonumber(current))) then
      return false
    end
    return __raw('zincrby', key, args[i], args[i + 1])
  end

  local kept = { 'zadd', key }
  if flags.NX then kept[#kept + 1] = 'NX' end
  if flags.XX then kept[#kept + 1] = 'XX' end
  if flags.CH then kept[#kept + 1] = 'CH' end
  local members = 0
  for j = i, n, 2 do
    local score, member = args[j], args[j + 1]
    local skip = false
    if flags.GT or flags.LT then
      local current = __raw('zscore', key, member)
      if current ~= false then
        local new, cur = tonumber(score), tonumber(current)
        skip = (flags.GT and new <= cur) or (flags.LT and new >= cur)
      end
    end
    if not skip then
      kept[#kept + 1] = score
      kept[#kept + 1] = member
      members = members + 1
    end
  end
  if members == 0 then return 0 end
  return __raw(table.unpack(kept))
end

__fixes.linsert = function(args, n)
  if n >= 3 then __upper_at(args, 3, 3) end
  return __raw(table.unpack(args, 1, n))
end

__fixes.lmove = function(args, n)
  if n >= 5 then __upper_at(args, 4, 5) end
  return __raw(table.unpack(args, 1, n))
end

-- EXPIRE-family options: decided here from the current TTL, then the mock sets the expiry unconditionally.
local function __expire_with_options(args, n, to_ms)
  if n < 3 then return nil, "ERR wrong number of arguments for '" .. string.lower(args[1]) .. "' command" end
  if n == 3 then return __raw(table.unpack(args, 1, n)) end
  local option = string.upper(args[4])
  if n > 4 or not (option == 'NX' or option == 'XX' or option == 'GT' or option == 'LT') then
    return nil, 'ERR Unsupported option ' .. args[4]
  end
  local value = tonumber(args[3])
  if value == nil or math.tointeger(value) == nil then return nil, 'ERR value is not an integer or out of range' end
  local pttl = __raw('pttl', args[2])
  if pttl == -2 then return 0 end
  local has_ttl = pttl >= 0
  local new_ms = to_ms(value)
  local current_ms = has_ttl and pttl or nil
  local allowed
  if option == 'NX' then allowed = not has_ttl
  elseif option == 'XX' then allowed = has_ttl
  elseif option == 'GT' then allowed = has_ttl and new_ms > current_ms
  else allowed = (not has_ttl) or new_ms < current_ms end
  if not allowed then return 0 end
  return __raw(args[1], args[2], args[3])
end

local function __now_ms()
  local t = __raw('time')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

__fixes.expire = function(args, n) return __expire_with_options(args, n, function(v) return v * 1000 end) end
__fixes.pexpire = function(args, n) return __expire_with_options(args, n, function(v) return v end) end
__fixes.expireat = function(args, n) return __expire_with_options(args, n, function(v) return v * 1000 - __now_ms() end) end
__fixes.pexpireat = function(args, n) return __expire_with_options(args, n, function(v) return v - __now_ms() end) end

-- Score ranges are answered from the whole set in order (the mock's own ordering is right, its bounds are not).
local function __score_bound(text)
  local s = string.lower(text)
  local exclusive = false
  if s:sub(1, 1) == '(' then exclusive = true; s = s:sub(2) end
  local value
  if s == '-inf' then value = -math.huge elseif s == '+inf' or s == 'inf' then value = math.huge else value = tonumber(s) end
  if value == nil or value ~= value then return nil end
  return { value = value, exclusive = exclusive }
end

local function __scored_members(key, min_text, max_text)
  local min, max = __score_bound(min_text), __score_bound(max_text)
  if not min or not max then return nil, 'ERR min or max is not a float' end
  local flat, err = __raw('zrange', key, '0', '-1', 'WITHSCORES')
  if err then return nil, err end
  local matched = {}
  for i = 1, #flat, 2 do
    local score = tonumber(flat[i + 1])
    local above = score > min.value or (not min.exclusive and score == min.value)
    local below = score < max.value or (not max.exclusive and score == max.value)
    if above and below then matched[#matched + 1] = { flat[i], flat[i + 1] } end
  end
  return matched
end

local function __range_reply(matched, rev, offset, count, with_scores)
  if rev then
    local reversed = {}
    for i = #matched, 1, -1 do reversed[#reversed + 1] = matched[i] end
    matched = reversed
  end
  local out = {}
  if offset < 0 then return out end
  local stop = #matched
  if count >= 0 then stop = math.min(stop, offset + count) end
  for i = offset + 1, stop do
    out[#out + 1] = matched[i][1]
    if with_scores then out[#out + 1] = matched[i][2] end
  end
  return out
end

-- Reads [WITHSCORES] [LIMIT offset count] [REV] [BYSCORE] [BYLEX] from args[from..n].
local function __range_options(args, from, n)
  local o = { offset = 0, count = -1 }
  local i = from
  while i <= n do
    local word = string.upper(args[i])
    if word == 'WITHSCORES' then o.with_scores = true
    elseif word == 'REV' then o.rev = true
    elseif word == 'BYSCORE' then o.by_score = true
    elseif word == 'BYLEX' then o.by_lex = true
    elseif word == 'LIMIT' and i + 2 <= n then
      o.limit = true
      o.offset, o.count = math.tointeger(tonumber(args[i + 1])), math.tointeger(tonumber(args[i + 2]))
      if o.offset == nil or o.count == nil then return nil, 'ERR value is not an integer or out of range' end
      i = i + 2
    else
      return nil, 'ERR syntax error'
    end
    i = i + 1
  end
  return o
end

__fixes.zrange = function(args, n)
  local o, err = __range_options(args, 5, n)
  if err then return nil, err end
  if not o.by_score then return __raw(table.unpack(args, 1, n)) end
  -- With REV the range is given as max, min.
  local min_text, max_text = args[3], args[4]
  if o.rev then min_text, max_text = args[4], args[3] end
  local matched, merr = __scored_members(args[2], min_text, max_text)
  if merr then return nil, merr end
  return __range_reply(matched, o.rev, o.offset, o.count, o.with_scores)
end

__fixes.zrangebyscore = function(args, n)
  local o, err = __range_options(args, 5, n)
  if err or o.rev or o.by_score or o.by_lex then return nil, err or 'ERR syntax error' end
  local matched, merr = __scored_members(args[2], args[3], args[4])
  if merr then return nil, merr end
  return __range_reply(matched, false, o.offset, o.count, o.with_scores)
end

__fixes.zrevrangebyscore = function(args, n)
  local o, err = __range_options(args, 5, n)
  if err or o.rev or o.by_score or o.by_lex then return nil, err or 'ERR syntax error' end
  local matched, merr = __scored_members(args[2], args[4], args[3])
  if merr then return nil, merr end
  return __range_reply(matched, true, o.offset, o.count, o.with_scores)
end

__fixes.zcount = function(args, n)
  if n ~= 4 then return nil, "ERR wrong number of arguments for 'zcount' command" end
  local matched, err = __scored_members(args[2], args[3], args[4])
  if err then return nil, err end
  return #matched
end

__fixes.zremrangebyscore = function(args, n)
  if n ~= 4 then return nil, "ERR wrong number of arguments for 'zremrangebyscore' command" end
  local matched, err = __scored_members(args[2], args[3], args[4])
  if err then return nil, err end
  if #matched == 0 then return 0 end
  local removed = 0
  for i = 1, #matched, 500 do
    local batch = { 'zrem', args[2] }
    for j = i, math.min(i + 499, #matched) do batch[#batch + 1] = matched[j][1] end
    local count, rerr = __raw(table.unpack(batch))
    if rerr then return nil, rerr end
    removed = removed + count
  end
  return removed
end

__fixes.scan = function(args, n)
  local kept, wanted = {}, nil
  local i = 1
  while i <= n do
    if i >= 3 and string.upper(args[i]) == 'TYPE' and i < n then
      wanted = string.lower(args[i + 1])
      i = i + 2
    else
      kept[#kept + 1] = args[i]
      i = i + 1
    end
  end
  local res, err = __raw(table.unpack(kept))
  if err or wanted == nil then return res, err end
  local keys = {}
  for _, key in ipairs(res[2]) do
    if __raw('type', key) == wanted then keys[#keys + 1] = key end
  end
  return { res[1], keys }
end
`;
