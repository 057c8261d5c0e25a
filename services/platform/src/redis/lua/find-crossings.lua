--[[
find-crossings: the users of one (app, bucket) whose last session crossed a window boundary
since the bucket's sweep watermark, for every window length at once.

KEYS[1]   last-session zset of (app, bucket): userId scored by last session (ms)
KEYS[2]   sweep watermark of (app, bucket): the `now` of the last completed sweep (ms)

ARGV[1]   now (ms), also the watermark when the bucket was never swept
ARGV[2]   most users read per window length
ARGV[3..] window lengths (ms), one per length in use

Returns { watermark, crossed_1, next_1, crossed_2, next_2, ... }, per length L in ARGV order:
  crossed_i  flat { userId, lastSession, ... }: last session in (watermark - L, now - L],
             oldest first, at most ARGV[2] users
  next_i     flat { userId, lastSession } of the first last session after now - L (the next
             user to cross that boundary), or {} when there is none

Read only: the caller applies the crossings, then moves the watermark. One call per bucket
replaces two range queries per length and a watermark read.
]]

local lastSession, sweep = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
local limit = ARGV[2]
local watermark = tonumber(redis.call('GET', sweep) or now)
-- Millisecond times written out whole (Lua would print large numbers in exponent form).
local function ms(value)
  return string.format('%.0f', value)
end
local reply = { ms(watermark) }

for i = 3, #ARGV do
  local length = tonumber(ARGV[i])
  local high = ms(now - length)
  reply[#reply + 1] = redis.call(
    'ZRANGEBYSCORE', lastSession, '(' .. ms(watermark - length), high,
    'WITHSCORES', 'LIMIT', 0, limit
  )
  reply[#reply + 1] = redis.call(
    'ZRANGEBYSCORE', lastSession, '(' .. high, '+inf', 'WITHSCORES', 'LIMIT', 0, 1
  )
end

return reply
