--[[
backfill-write: compare-and-set the backfill's membership of one segment version for many
users of one bucket, with the same outbox entries and count field as apply-users.lua, using a
handful of batched calls instead of several calls per user.

KEYS[1]   users hash of (app, bucket): userId -> encoded state
KEYS[2]   membership zset of (app, segment, version, bucket)
KEYS[3]   outbox zset of (app, bucket)
KEYS[4]   change sequence counter of (app, bucket)
KEYS[5]   member counts hash of (app, bucket)

ARGV[1]   now (ms): score of the outbox entries
ARGV[2]   label "<segmentId>\t<version>" when changes are published, "" while rebuilding
ARGV[3]   count field "<segmentId>:<version>"
ARGV[4]   at (ms): the time the changes carry
then, per user, 3 values: userId, record the evaluation read, "1" member / "0" not

Returns { conflicts, entries }
          conflicts: userIds whose record is no longer the one read (or is gone); nothing of
                     theirs was written, the caller reads them again and retries
          entries:   outbox entries written, "<sequence>\t<segmentId>\t<version>\t<E|X>\t<at>\t
                     <userId>" as apply-users.lua writes them

Invariants kept (as apply-users.lua): membership is written only for users whose record is
still the one evaluated; a change gets a sequence and an outbox entry exactly when the zset
really changed; the count field moves by exactly the members gained or lost.
]]

local users, members, outbox, sequence, counts = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, label, field, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
-- Arguments per batched call: far below Lua's stack limit of 8,000.
local STEP = 2000

local ids, expected, wants = {}, {}, {}
for i = 5, #ARGV, 3 do
  ids[#ids + 1] = ARGV[i]
  expected[#expected + 1] = ARGV[i + 1]
  wants[#wants + 1] = ARGV[i + 2]
end

-- Calls `command key ...` over `list` in slices; returns the replies concatenated.
local function batched(command, key, list, pairsWith)
  local replies = {}
  for first = 1, #list, STEP do
    local args = {}
    for k = first, math.min(first + STEP - 1, #list) do
      if pairsWith then args[#args + 1] = pairsWith end
      args[#args + 1] = list[k]
    end
    local reply = redis.call(command, key, unpack(args))
    if type(reply) == 'table' then
      for _, value in ipairs(reply) do replies[#replies + 1] = value end
    end
  end
  return replies
end

local conflicts, candidates, candidateWants = {}, {}, {}
local stored = batched('HMGET', users, ids)
for k = 1, #ids do
  if stored[k] ~= expected[k] then
    conflicts[#conflicts + 1] = ids[k]
  else
    candidates[#candidates + 1] = ids[k]
    candidateWants[#candidateWants + 1] = wants[k]
  end
end

local scores = batched('ZMSCORE', members, candidates)
local adds, removes = {}, {}
for k = 1, #candidates do
  local present = scores[k] ~= false
  if candidateWants[k] == '1' and not present then
    adds[#adds + 1] = candidates[k]
  elseif candidateWants[k] == '0' and present then
    removes[#removes + 1] = candidates[k]
  end
end

if #adds > 0 then batched('ZADD', members, adds, '0') end
if #removes > 0 then batched('ZREM', members, removes) end
local moved = #adds - #removes
if moved ~= 0 then redis.call('HINCRBY', counts, field, moved) end

local entries = {}
local changes = #adds + #removes
if label ~= '' and changes > 0 then
  local seq = redis.call('INCRBY', sequence, changes) - changes
  local function record(kind, userId)
    seq = seq + 1
    entries[#entries + 1] = seq .. '\t' .. label .. '\t' .. kind .. '\t' .. at .. '\t' .. userId
  end
  for _, userId in ipairs(adds) do record('E', userId) end
  for _, userId in ipairs(removes) do record('X', userId) end
  batched('ZADD', outbox, entries, now)
end

return { conflicts, entries }
