--[[
release-lease: give a bucket lease back, only when the caller holds it.

KEYS[1]   the lease key of a bucket
ARGV[1]   the caller's worker id

Returns 1 when released, 0 when the caller did not hold it.

Invariant: a worker never deletes a lease another worker took over after its own expired.
]]

if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
