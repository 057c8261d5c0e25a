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
ARGV[5]   verdicts: one character per user, "1" member, "0" not; its length n is the user count
then n userIds, then the n records the evaluation read, in the same order

Returns { sequence, outcomes }
          sequence: the change sequence before this call's first change (its changes have
                    sequence + 1, sequence + 2, ... in user order); 0 when nothing is published
          outcomes: one character per user, in order:
                    "c" conflict: the record is no longer the one read (or is gone), nothing of
                        theirs was written, the caller reads them again and retries
                    "E" entered, "X" exited: the zset changed, and when published the outbox
                        holds "<sequence>\t<segmentId>\t<version>\t<E|X>\t<at>\t<userId>", the
                        entry apply-users.lua would write
                    "." already as the verdict says, nothing written

The outcomes replace a list of entries: the caller knows the users, the label and the time, so
it rebuilds each entry from its position, and the reply stays one short string per bucket.

Invariants kept (as apply-users.lua): membership is written only for users whose record is
still the one evaluated; a change gets a sequence and an outbox entry exactly when the zset
really changed; the count field moves by exactly the members gained or lost.
]]

local users, members, outbox, sequence, counts = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, label, field, at, verdicts = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local count = #verdicts
-- ARGV positions before the first userId and before the first record.
local IDS, RECORDS = 5, 5 + count
-- Arguments per batched call: far below Lua's stack limit of 8,000.
local STEP = 2000
local MEMBER = string.byte('1')

local outcomes, candidates, candidateCount = {}, {}, 0
for first = 1, count, STEP do
  local last = math.min(first + STEP - 1, count)
  local stored = redis.call('HMGET', users, unpack(ARGV, IDS + first, IDS + last))
  for k = first, last do
    if stored[k - first + 1] == ARGV[RECORDS + k] then
      outcomes[k] = '.'
      candidateCount = candidateCount + 1
      candidates[candidateCount] = k
    else
      outcomes[k] = 'c'
    end
  end
end

local adds, removes, addCount, removeCount = {}, {}, 0, 0
for first = 1, candidateCount, STEP do
  local last = math.min(first + STEP - 1, candidateCount)
  local ids = {}
  for j = first, last do ids[j - first + 1] = ARGV[IDS + candidates[j]] end
  local scores = redis.call('ZMSCORE', members, unpack(ids))
  for j = first, last do
    local k = candidates[j]
    local present = scores[j - first + 1] ~= false
    if string.byte(verdicts, k) == MEMBER then
      if not present then
        addCount = addCount + 1
        adds[2 * addCount - 1], adds[2 * addCount] = '0', ARGV[IDS + k]
        outcomes[k] = 'E'
      end
    elseif present then
      removeCount = removeCount + 1
      removes[removeCount] = ARGV[IDS + k]
      outcomes[k] = 'X'
    end
  end
end

-- `list` holds `width` arguments per user; calls `command key ...` over it in slices.
local function batched(command, key, list, width)
  local size = #list
  local slice = STEP - STEP % width
  for first = 1, size, slice do
    redis.call(command, key, unpack(list, first, math.min(first + slice - 1, size)))
  end
end

if addCount > 0 then batched('ZADD', members, adds, 2) end
if removeCount > 0 then batched('ZREM', members, removes, 1) end
local moved = addCount - removeCount
if moved ~= 0 then redis.call('HINCRBY', counts, field, moved) end

local changes = addCount + removeCount
local before = 0
if label ~= '' and changes > 0 then
  before = redis.call('INCRBY', sequence, changes) - changes
  local entries, size, seq = {}, 0, before
  local prefix = '\t' .. label .. '\t'
  local middle = { E = 'E\t' .. at .. '\t', X = 'X\t' .. at .. '\t' }
  for k = 1, count do
    local kind = middle[outcomes[k]]
    if kind then
      seq = seq + 1
      entries[size + 1], entries[size + 2] = now, seq .. prefix .. kind .. ARGV[IDS + k]
      size = size + 2
    end
  end
  batched('ZADD', outbox, entries, 2)
end

return { before, table.concat(outcomes) }
