--[[
renew-lease: extend a bucket lease, only when the caller still holds it.

KEYS[1]   the lease key of a bucket
ARGV[1]   the caller's worker id
ARGV[2]   new time to live (ms)

Returns 1 when renewed, 0 when the lease expired or another worker holds it.

Invariant: a worker never extends a lease it lost, so at most one worker sweeps a bucket while
the lease is valid.
]]

if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
