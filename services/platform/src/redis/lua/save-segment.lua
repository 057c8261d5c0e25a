--[[
save-segment: write (or delete) one stored segment and announce it, in one step.

KEYS[1]   definitions hash of the app: segmentId -> stored segment JSON
KEYS[2]   names hash of the app: segment name -> segmentId
KEYS[3]   set of app ids that have segments
KEYS[4]   definitions revision counter (every app's writes)

ARGV[1]   appId
ARGV[2]   segmentId
ARGV[3]   expected stored JSON: "" when creating, the JSON read before when updating
ARGV[4]   new stored JSON, "" to delete the segment
ARGV[5]   new name ("" when deleting)
ARGV[6]   old name ("" when creating)
ARGV[7]   pub/sub channel of definition notices

Returns the new revision (a decimal string) once written, "name_taken" (another segment of the
app has the name) or "conflict" (the stored segment is not the expected one: someone else wrote
it meanwhile; read again and retry).

Invariants: names are unique within an app; a write based on a stale read is refused; every
write bumps the revision by exactly one and publishes the notice {"appId","segmentId",
"revision"}, so a reader that sees revision r + 2 after r knows it missed a notice, and one
that holds every write up to r can say so with one number.
]]

local definitions, names, apps, revision = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local appId, segmentId, expected, stored = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local newName, oldName = ARGV[5], ARGV[6]

local current = redis.call('HGET', definitions, segmentId) or ''
if current ~= expected then
  return 'conflict'
end

if newName ~= '' then
  local owner = redis.call('HGET', names, newName)
  if owner and owner ~= segmentId then
    return 'name_taken'
  end
end

if oldName ~= '' and oldName ~= newName then
  redis.call('HDEL', names, oldName)
end

if stored == '' then
  redis.call('HDEL', definitions, segmentId)
else
  redis.call('HSET', definitions, segmentId, stored)
  redis.call('HSET', names, newName, segmentId)
  redis.call('SADD', apps, appId)
end

-- Bumped last, after every write that can fail, so a revision always stands for a write.
local written = redis.call('INCR', revision)
local notice = cjson.encode({ appId = appId, segmentId = segmentId, revision = written })
redis.call('PUBLISH', ARGV[7], notice)
return tostring(written)
