--[[
announce-switch: record, for one bucket, how the membership of a rebuilt segment version
differs from the version it replaces, as outbox entries like those of apply-users.lua; once.

KEYS[1]   membership zset of the old version in (app, bucket)
KEYS[2]   membership zset of the new version in (app, bucket)
KEYS[3]   outbox zset of (app, bucket)
KEYS[4]   change sequence counter of (app, bucket)
KEYS[5]   switched marker of (app, bucket, segment, new version)

ARGV[1]   now (ms): score of the outbox entries
ARGV[2]   label "<segmentId>\t<new version>"
ARGV[3]   at (ms): the time the changes carry

Returns the outbox entries of this switch that are waiting to be published, each
          "<sequence>\t<segmentId>\t<version>\t<E|X>\t<at>\t<userId>":
          the first time, every difference, recorded now; when the bucket was announced
          before (a retried switch), the entries of that announcement still in the outbox
          (their publish failed), recorded nothing new.

Invariants: only real differences are announced: ENTERED for users in the new version and not
in the old one, EXITED for the reverse; users in both announce nothing. A bucket's differences
are recorded once per switch, so a retry never numbers the same change twice.
]]

local old, new, outbox, sequence, switched = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, label, at = ARGV[1], ARGV[2], ARGV[3]
local entries = {}

local announcedAt = redis.call('GET', switched)
if announcedAt then
  -- The entries of that announcement all carry its time as score and this switch's label
  -- after the sequence; the publisher removes each one it published.
  local prefix = label .. '\t'
  for _, entry in ipairs(redis.call('ZRANGEBYSCORE', outbox, announcedAt, announcedAt)) do
    local tab = string.find(entry, '\t', 1, true)
    if tab and string.sub(entry, tab + 1, tab + #prefix) == prefix then
      entries[#entries + 1] = entry
    end
  end
  return entries
end

-- Arguments per batched ZADD: far below Lua's stack limit of 8,000.
local STEP = 2000
local entered = redis.call('ZDIFF', 2, new, old)
local exited = redis.call('ZDIFF', 2, old, new)
local changes = #entered + #exited

if changes > 0 then
  -- One INCRBY numbers every change of the bucket: ENTERED first, then EXITED.
  local seq = redis.call('INCRBY', sequence, changes) - changes
  local prefix = '\t' .. label .. '\t'
  local function record(kind, userIds)
    for _, userId in ipairs(userIds) do
      seq = seq + 1
      entries[#entries + 1] = seq .. prefix .. kind .. '\t' .. at .. '\t' .. userId
    end
  end
  record('E', entered)
  record('X', exited)

  for first = 1, #entries, STEP do
    local args = {}
    for k = first, math.min(first + STEP - 1, #entries) do
      args[#args + 1] = now
      args[#args + 1] = entries[k]
    end
    redis.call('ZADD', outbox, unpack(args))
  end
end

redis.call('SET', switched, now)
return entries
