import { randomUUID } from 'node:crypto';
import { LUA_CJSON_SHIM } from './lua-cjson';
import { LUA_COMMAND_FIXES } from './lua-command-fixes';

// ioredis-mock runs EVAL in fengari (Lua 5.3) and hands the script `redis.call` results as raw JS values:
// integer replies arrive as floats (tostring gives "1.0"), arrays as JS proxies (userdata, 1-based only at the
// top level), nil elements as a JS-null userdata, an empty-string reply as false, and there is no
// redis.error_reply/status_reply, no {ok=…}/{err=…} reply tables and no cjson. Real Redis differs in all of
// these, and our state-machine scripts must behave the same on both. So every script runs inside this wrapper,
// which rebuilds the `redis` API the way Redis defines it and converts the return value to a Redis reply.
//
// The script is loaded with load(…, '=user_script') so line numbers and the chunk name match Redis' errors.
// Remaining differences (dev/store/README.md): Lua 5.3 with 32-bit integers instead of 5.1 (a float shows as
// "5.0" or "1700000000123.0" in `..` concatenation), no redis.sha1hex / bit / struct / cmsgpack, and the
// mock's own command semantics (e.g. it does not raise WRONGTYPE).

export const LUA_ERROR_MARKER = `__store_lua_error__${randomUUID()}`;

function longBracket(source: string): { open: string; close: string } {
  let level = '';
  while (source.includes(`]${level}]`)) level += '=';
  return { open: `[${level}[`, close: `]${level}]` };
}

export function wrapLuaScript(userScript: string): string {
  const { open, close } = longBracket(userScript);
  // Lua drops the newline right after the opening bracket; the one before the closing bracket (so a script
  // ending in "]" cannot close it early) is cut off again, so the script text arrives byte for byte.
  return `
local __MARK = ${JSON.stringify(LUA_ERROR_MARKER)}
local __source = (${open}
${userScript}
${close}):sub(1, -2)
local __js_call = call
call = nil
repair = nil

local function __js_len(v)
  local ok, n = pcall(function() return #v end)
  if ok and type(n) == 'number' then return math.tointeger(n) or n end
  return nil
end

local function __is_js_null(v)
  return type(v) == 'userdata' and __js_len(v) == nil
end

-- A JS value from the mock → the Lua value real Redis would give the script.
local __from_js
__from_js = function(v)
  local t = type(v)
  if t == 'number' then return math.tointeger(v) or v end
  if t == 'userdata' then
    local n = __js_len(v)
    if n == nil then return false end
    -- The mock prepends a null to top-level arrays (Lua is 1-based); nested arrays keep JS indices.
    local offset = __is_js_null(v[0]) and 0 or -1
    local out = {}
    for i = 1, n do
      local e = v[i + offset]
      if e == nil then out[i] = false else out[i] = __from_js(e) end
    end
    return out
  end
  if v == nil then return false end
  return v
end

local function __to_arg(v)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then
    local i = math.tointeger(v)
    if i then return tostring(i) end
    local s = string.format('%.15g', v)
    if tonumber(s) ~= v then s = string.format('%.17g', v) end
    return s
  end
  return nil
end

local function __error_text(e)
  local text = tostring(e)
  if text:find('reading \\'bind\\'', 1, true) or text:find('is not a function', 1, true) then
    return 'ERR Unknown Redis command called from script'
  end
  text = text:gsub('^%a*Error: ', '')
  if not text:match('^[A-Z][A-Z_]+ ') then text = 'ERR ' .. text end
  return text
end

-- The mock reports a command error as the JS array ['error', message] (index 0 = 'error').
local function __mock_error(v)
  if type(v) ~= 'userdata' or __js_len(v) == nil then return nil end
  local first = v[0]
  if first == 'error' and type(v[1]) == 'string' then return v[1] end
  return nil
end

local function __raw(...)
  local ok, res = pcall(__js_call, true, ...)
  if not ok then return nil, __error_text(res) end
  local err = __mock_error(res)
  if err then return nil, __error_text(err) end
  return __from_js(res)
end

${LUA_COMMAND_FIXES}

-- The mock drops empty-string replies (its bridge treats '' as "no reply"); ask again where it matters.
local function __empty_string_repair(name, args, existed_before)
  if name == 'get' or name == 'getex' then
    if __raw('exists', args[2]) == 1 then return '' end
  elseif name == 'hget' then
    if __raw('hexists', args[2], args[3]) == 1 then return '' end
  elseif name == 'getdel' then
    if existed_before == 1 then return '' end
  elseif name == 'getrange' or name == 'substr' or name == 'echo' then
    return ''
  end
  return false
end

local function __invoke(...)
  local n = select('#', ...)
  if n == 0 then return nil, 'ERR Please specify at least one argument for this redis lib call' end
  local args = {}
  for i = 1, n do
    local a = __to_arg((select(i, ...)))
    if a == nil then return nil, 'ERR Lua redis lib command arguments must be strings or integers' end
    args[i] = a
  end
  local name = string.lower(args[1])
  local existed_before
  if name == 'getdel' then existed_before = __raw('exists', args[2]) end
  local fix = __fixes[name]
  local res, err
  if fix then res, err = fix(args, n) else res, err = __raw(table.unpack(args, 1, n)) end
  if err then return nil, err end
  if res == false then res = __empty_string_repair(name, args, existed_before) end
  return res
end

local redis = {}
redis.call = function(...)
  local res, err = __invoke(...)
  if err then error({ err = err }, 0) end
  return res
end
redis.pcall = function(...)
  local res, err = __invoke(...)
  if err then return { err = err } end
  return res
end
redis.error_reply = function(message) return { err = tostring(message) } end
redis.status_reply = function(message) return { ok = tostring(message) } end
redis.log = function() end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.setresp = function(v) if v ~= 2 then error('the embedded store speaks RESP2 only', 2) end end
redis.set_repl = function() end
redis.replicate_commands = function() return true end
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.sha1hex = function() error('redis.sha1hex is not available in the embedded store (set REDIS_URL)', 2) end
_G.redis = redis

-- Redis runs Lua 5.1, where every number is a double and tostring uses "%.14g". fengari (Lua 5.3, 32-bit
-- integers) would print a millisecond timestamp as "1700000000123.0"; tostring at least keeps Redis' text.
-- (The .. operator cannot be patched: concatenate tostring(n), not n, when n may exceed 2^31.)
local __lua_tostring = tostring
_G.tostring = function(v)
  if type(v) == 'number' then return string.format('%.14g', v) end
  return __lua_tostring(v)
end
_G.cjson = (function()
${LUA_CJSON_SHIM}
return cjson
end)()

-- Redis converts the script's Lua return value to a reply (numbers truncate, true is 1, false is nil,
-- arrays stop at the first nil, {ok=…} is a status, {err=…} an error).
local __to_reply
__to_reply = function(v, top)
  local t = type(v)
  if t == 'number' then
    if v ~= v or v == math.huge or v == -math.huge then return 0 end
    local r = v >= 0 and math.floor(v) or math.ceil(v)
    -- fengari's integers are 32-bit, so a larger whole number stays a float; JSON carries it the same.
    return math.tointeger(r) or r
  end
  if t == 'string' then return v end
  if t == 'boolean' then if v then return 1 end return false end
  if t == 'table' then
    if v == cjson.null then return false end
    if type(v.err) == 'string' then
      if top then return { __MARK, v.err } end
      return v.err
    end
    if type(v.ok) == 'string' then return v.ok end
    local out, n = {}, 0
    while v[n + 1] ~= nil do
      n = n + 1
      out[n] = __to_reply(v[n], false)
    end
    -- The mock only reads a table back as an array when its items sit in the table's array part, which
    -- a constructor guarantees and item-by-item assignment does not.
    return { table.unpack(out, 1, n) }
  end
  return false
end

local __fn, __compile_error = load(__source, '=user_script', 't')
if not __fn then
  return { __MARK, 'ERR Error compiling script (new function): ' .. tostring(__compile_error) }
end

-- Redis scripts may neither create nor read undeclared globals; failing here catches what would fail there
-- (messages as Redis 7 words them).
setmetatable(_G, {
  __newindex = function() error('Attempt to modify a readonly table', 2) end,
  __index = function(_, k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end,
})

local __ok, __result = pcall(__fn)
if not __ok then
  if type(__result) == 'table' and type(__result.err) == 'string' then return { __MARK, __result.err } end
  local text = tostring(__result)
  if not text:match('^[A-Z][A-Z_]+ ') then text = 'ERR ' .. text end
  return { __MARK, text }
end
return __to_reply(__result, true)
`;
}

export class LuaScriptError extends Error {}

// What the mock hands back from the wrapper → a JSON-able Redis reply (false marks nil, see __to_reply).
export function readWrappedLuaResult(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 2 && value[0] === LUA_ERROR_MARKER) {
    throw new LuaScriptError(String(value[1]));
  }
  return fromLuaValue(value);
}

function fromLuaValue(value: unknown): unknown {
  if (value === false || value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(fromLuaValue);
  return value;
}
