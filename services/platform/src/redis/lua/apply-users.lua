--[[
apply-users: compare-and-set the records of one bucket's users, and apply their membership.

KEYS[1]     users hash of (app, bucket): userId -> encoded state
KEYS[2]     last-session zset of (app, bucket): userId scored by last session (ms)
KEYS[3]     outbox zset of (app, bucket): change entries scored by the time written
KEYS[4]     change sequence counter of (app, bucket)
KEYS[5]     member counts hash of (app, bucket): "<segmentId>:<version>" -> members
KEYS[6]     last-session write counter of (app, bucket): INCR once by a call that moved a
            last session, so the sweeper knows its in-memory "next boundary" is still valid
KEYS[7..]   membership zsets of (app, segment, version, bucket) the users below touch

ARGV[1]     now (ms): score of the outbox entries written by this call
ARGV[2..]   one label per membership key (m keys), in KEYS order: "<segmentId>\t<version>"
            when the key's changes are published, "" when they are not (a version being
            rebuilt)
then        one count field per membership key, in KEYS order: "<segmentId>:<version>"
then, per user, 5 + 3n values:
            userId, expected record ("" for a new user), new record,
            last session (ms, "" to leave it), n,
            then n triples: membership key index (1 = KEYS[7]), "1" member / "0" not, at (ms)

Returns { conflicts, entries }
            conflicts: userIds whose stored record was not the expected one; nothing of
                       theirs was written, the caller reads them again and retries
            entries:   outbox entries written, each
                       "<sequence>\t<segmentId>\t<version>\t<E|X>\t<at>\t<userId>"

Invariants kept:
- A user's membership is written only together with the record it was computed from, so an
  evaluation based on a stale record (a slower worker, the sweeper, a backfill) never
  overwrites a newer one.
- A change is recorded (new sequence, outbox entry) exactly when a membership zset really
  changed, so events delivered twice publish nothing twice.
- Sequences of a bucket only grow, so the changes of one (segment, user) pair carry growing
  sequences and a consumer can drop repeats.
- A membership zset's count field moves by exactly the members it gained or lost, in the same
  atomic call, so the counts hash always equals the ZCARDs.
]]

local users, lastSession, outbox, sequence = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local counts, sessionWrites = KEYS[5], KEYS[6]
local now = ARGV[1]
local labelCount = #KEYS - 6
local sessionsMoved = false
local conflicts, entries = {}, {}
-- Count moves per membership key index, written once per key at the end.
local deltas = {}

-- The bucket's sequence is read once and written once per call, and the outbox entries go
-- in with one ZADD at the end: one command per change fewer, in the same atomic call.
local lastSequence = nil
local outboxArgs = {}

local function recordChange(label, want, at, userId)
  lastSequence = (lastSequence or tonumber(redis.call('GET', sequence) or '0')) + 1
  local kind = want == '1' and 'E' or 'X'
  local entry = lastSequence .. '\t' .. label .. '\t' .. kind .. '\t' .. at .. '\t' .. userId
  outboxArgs[#outboxArgs + 1] = now
  outboxArgs[#outboxArgs + 1] = entry
  entries[#entries + 1] = entry
end

local function applyMembership(keyIndex, want, at, userId)
  local key = KEYS[6 + keyIndex]
  local changed
  if want == '1' then
    changed = redis.call('ZADD', key, 0, userId)
  else
    changed = redis.call('ZREM', key, userId)
  end

  if changed ~= 1 then
    return
  end
  deltas[keyIndex] = (deltas[keyIndex] or 0) + (want == '1' and 1 or -1)
  local label = ARGV[1 + keyIndex]
  if label ~= '' then
    recordChange(label, want, at, userId)
  end
end

local i = 2 + 2 * labelCount
while i <= #ARGV do
  local userId, expected, record, last = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local n = tonumber(ARGV[i + 4])
  local stored = redis.call('HGET', users, userId) or ''

  if stored ~= expected then
    conflicts[#conflicts + 1] = userId
  else
    if record ~= expected then
      redis.call('HSET', users, userId, record)
    end
    if last ~= '' then
      redis.call('ZADD', lastSession, last, userId)
      sessionsMoved = true
    end
    for j = 0, n - 1 do
      local at = i + 5 + 3 * j
      applyMembership(tonumber(ARGV[at]), ARGV[at + 1], ARGV[at + 2], userId)
    end
  end

  i = i + 5 + 3 * n
end

if sessionsMoved then
  redis.call('INCR', sessionWrites)
end

if lastSequence then
  redis.call('SET', sequence, lastSequence)
  -- unpack() is bounded by the Lua stack: add the entries in slices.
  for first = 1, #outboxArgs, 4000 do
    local last = math.min(first + 3999, #outboxArgs)
    redis.call('ZADD', outbox, unpack(outboxArgs, first, last))
  end
end

for keyIndex, delta in pairs(deltas) do
  if delta ~= 0 then
    redis.call('HINCRBY', counts, ARGV[1 + labelCount + keyIndex], delta)
  end
end

return { conflicts, entries }
