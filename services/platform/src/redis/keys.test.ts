import { BUCKET_COUNT, bucketOf, redisKeys } from './keys';

describe('bucketOf', () => {
  it('is stable and within range', () => {
    expect(bucketOf('app', 'user-1')).toBe(bucketOf('app', 'user-1'));
    for (let index = 0; index < 1_000; index += 1) {
      const bucket = bucketOf('app', `user-${index}`);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(BUCKET_COUNT);
    }
  });

  it('spreads users over the buckets evenly', () => {
    const counts = new Array<number>(BUCKET_COUNT).fill(0);
    const users = 200 * BUCKET_COUNT;
    for (let index = 0; index < users; index += 1) counts[bucketOf('shop', `u${index}`)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(130);
    expect(Math.max(...counts)).toBeLessThan(270);
  });

  it('depends on the app too', () => {
    const differing = Array.from({ length: 100 }, (_, index) => `u${index}`).filter(
      (userId) => bucketOf('a', userId) !== bucketOf('b', userId),
    );
    expect(differing.length).toBeGreaterThan(90);
  });
});

describe('redisKeys', () => {
  it('tags every per-user key with the bucket, under the prefix', () => {
    const keys = redisKeys('aud:');
    const names = [
      keys.users('app', 7),
      keys.lastSession('app', 7),
      keys.members('app', 'seg', 2, 7),
      keys.outbox('app', 7),
      keys.sequence('app', 7),
      keys.sweep('app', 7),
      keys.sessionWrites('app', 7),
      keys.lease(7),
      keys.switched('app', 'seg', 2, 7),
    ];
    for (const name of names) expect(name.startsWith('aud:{7}:')).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps the definitions, their revision and the acknowledgements in one slot', () => {
    const keys = redisKeys('aud:');
    const names = [
      keys.definitions('app'),
      keys.definitionRevision(),
      keys.definitionAdoption('worker-1'),
      keys.definitionAdopters(),
    ];
    for (const name of names) expect(name.startsWith('aud:{segments}:')).toBe(true);
    expect(keys.definitionAdoption('a')).not.toBe(keys.definitionAdoption('b'));
  });
});
