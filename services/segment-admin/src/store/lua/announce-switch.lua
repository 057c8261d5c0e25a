--[[
announce-switch: record, for one bucket, how the membership of a rebuilt segment version
differs from the version it replaces, as outbox entries like those of apply-users.lua.

KEYS[1]   membership zset of the old version in (app, bucket)
KEYS[2]   membership zset of the new version in (app, bucket)
KEYS[3]   outbox zset of (app, bucket)
KEYS[4]   change sequence counter of (app, bucket)

ARGV[1]   now (ms): score of the outbox entries
ARGV[2]   label "<segmentId>\t<new version>"
ARGV[3]   at (ms): the time the changes carry

Returns the outbox entries written, each
          "<sequence>\t<segmentId>\t<version>\t<E|X>\t<at>\t<userId>"

Invariant: only real differences are announced: ENTERED for users in the new version and not
in the old one, EXITED for the reverse; users in both announce nothing.
]]

local old, new, outbox, sequence = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, label, at = ARGV[1], ARGV[2], ARGV[3]
local entries = {}

local function record(kind, userId)
  local seq = redis.call('INCR', sequence)
  local entry = seq .. '\t' .. label .. '\t' .. kind .. '\t' .. at .. '\t' .. userId
  redis.call('ZADD', outbox, now, entry)
  entries[#entries + 1] = entry
end

for _, userId in ipairs(redis.call('ZDIFF', 2, new, old)) do
  record('E', userId)
end
for _, userId in ipairs(redis.call('ZDIFF', 2, old, new)) do
  record('X', userId)
end

return entries
