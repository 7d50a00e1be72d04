// Real Redis ships lua-cjson; ioredis-mock's Lua VM (fengari) has none, and our scripts may use it.
// A small pure-Lua stand-in covering what scripts use: cjson.encode, cjson.decode, cjson.null.
// Kept to the cjson defaults that show: empty tables encode as `{}`, "/" is escaped, 14 significant digits.
export const LUA_CJSON_SHIM = String.raw`
local cjson = {}
cjson.null = setmetatable({}, { __tostring = function() return 'userdata: NULL' end })

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }

local function encode_string(s)
  return '"' .. s:gsub('[%c"\\/]', function(c)
    return escapes[c] or string.format('\\u%04x', c:byte())
  end) .. '"'
end

local function is_array(t)
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= 'integer' or k < 1 then return false end
    if k > n then n = k end
  end
  for i = 1, n do if t[i] == nil then return false end end
  return n > 0, n
end

local encode_value
encode_value = function(v, depth)
  if depth > 1000 then error('Cannot serialise, excessive nesting (1001)') end
  local t = type(v)
  if v == nil or v == cjson.null then return 'null' end
  if t == 'boolean' then return tostring(v) end
  if t == 'number' then
    if v ~= v or v == math.huge or v == -math.huge then error('Cannot serialise number: must not be NaN or Inf') end
    if math.type(v) == 'integer' then return tostring(v) end
    local i = math.tointeger(v)
    if i then return tostring(i) end
    return string.format('%.14g', v)
  end
  if t == 'string' then return encode_string(v) end
  if t == 'table' then
    local array, n = is_array(v)
    local parts = {}
    if array then
      for i = 1, n do parts[i] = encode_value(v[i], depth + 1) end
      return '[' .. table.concat(parts, ',') .. ']'
    end
    for k, item in pairs(v) do
      local kt = type(k)
      if kt ~= 'string' and kt ~= 'number' then error('Cannot serialise table: table key must be a number or string') end
      parts[#parts + 1] = encode_string(tostring(k)) .. ':' .. encode_value(item, depth + 1)
    end
    return '{' .. table.concat(parts, ',') .. '}'
  end
  error('Cannot serialise ' .. t .. ': type not supported')
end

function cjson.encode(v) return encode_value(v, 0) end

local function decode_error(text, pos, what)
  error(string.format('Expected %s but found invalid token at character %d', what, pos))
end

local function skip_ws(text, pos)
  return text:find('[^ \t\r\n]', pos) or #text + 1
end

local decode_value

local function decode_string(text, pos)
  local out, i = {}, pos + 1
  while true do
    local c = text:sub(i, i)
    if c == '' then decode_error(text, pos, 'string end') end
    if c == '"' then return table.concat(out), i + 1 end
    if c == '\\' then
      local e = text:sub(i + 1, i + 1)
      local simple = { b = '\b', f = '\f', n = '\n', r = '\r', t = '\t', ['"'] = '"', ['\\'] = '\\', ['/'] = '/' }
      if simple[e] then
        out[#out + 1] = simple[e]; i = i + 2
      elseif e == 'u' then
        local hex = text:sub(i + 2, i + 5)
        if not hex:match('^%x%x%x%x$') then decode_error(text, i, 'unicode escape') end
        local code = tonumber(hex, 16)
        i = i + 6
        if code >= 0xD800 and code <= 0xDBFF and text:sub(i, i + 1) == '\\u' then
          local low = tonumber(text:sub(i + 2, i + 5), 16)
          if low and low >= 0xDC00 and low <= 0xDFFF then
            code = 0x10000 + (code - 0xD800) * 0x400 + (low - 0xDC00)
            i = i + 6
          end
        end
        out[#out + 1] = utf8.char(code)
      else
        decode_error(text, i, 'escape sequence')
      end
    else
      out[#out + 1] = c; i = i + 1
    end
  end
end

decode_value = function(text, pos)
  pos = skip_ws(text, pos)
  local c = text:sub(pos, pos)
  if c == '{' then
    local obj = {}
    pos = skip_ws(text, pos + 1)
    if text:sub(pos, pos) == '}' then return obj, pos + 1 end
    while true do
      pos = skip_ws(text, pos)
      if text:sub(pos, pos) ~= '"' then decode_error(text, pos, 'object key string') end
      local key
      key, pos = decode_string(text, pos)
      pos = skip_ws(text, pos)
      if text:sub(pos, pos) ~= ':' then decode_error(text, pos, 'colon') end
      obj[key], pos = decode_value(text, pos + 1)
      pos = skip_ws(text, pos)
      local d = text:sub(pos, pos)
      if d == '}' then return obj, pos + 1 end
      if d ~= ',' then decode_error(text, pos, 'comma or object end') end
      pos = pos + 1
    end
  elseif c == '[' then
    local arr = {}
    pos = skip_ws(text, pos + 1)
    if text:sub(pos, pos) == ']' then return arr, pos + 1 end
    while true do
      arr[#arr + 1], pos = decode_value(text, pos)
      pos = skip_ws(text, pos)
      local d = text:sub(pos, pos)
      if d == ']' then return arr, pos + 1 end
      if d ~= ',' then decode_error(text, pos, 'comma or array end') end
      pos = pos + 1
    end
  elseif c == '"' then
    return decode_string(text, pos)
  elseif text:sub(pos, pos + 3) == 'true' then
    return true, pos + 4
  elseif text:sub(pos, pos + 4) == 'false' then
    return false, pos + 5
  elseif text:sub(pos, pos + 3) == 'null' then
    return cjson.null, pos + 4
  else
    local number = text:match('^-?%d+%.?%d*[eE]?[-+]?%d*', pos)
    if number and #number > 0 and tonumber(number) then return tonumber(number), pos + #number end
    decode_error(text, pos, 'value')
  end
end

function cjson.decode(text)
  if type(text) ~= 'string' then error('bad argument #1 to \'decode\' (string expected, got ' .. type(text) .. ')') end
  local value, pos = decode_value(text, 1)
  pos = skip_ws(text, pos)
  if pos <= #text then decode_error(text, pos, 'the end') end
  return value
end
`;
