import { WriteKeyCache } from './write-key-cache';

function fakeStore(known: Record<string, string>) {
  const calls: string[] = [];
  const resolve = async (key: string) => {
    calls.push(key);
    return known[key] ?? null;
  };
  return { calls, resolve };
}

describe('WriteKeyCache', () => {
  it('remembers a known key until its time is up', async () => {
    let clock = 0;
    const store = fakeStore({ 'wk-1': 'app-1' });
    const cache = new WriteKeyCache(store.resolve, { hitTtlMs: 1_000, now: () => clock });

    expect(await cache.appFor('wk-1')).toBe('app-1');
    clock = 999;
    expect(await cache.appFor('wk-1')).toBe('app-1');
    expect(store.calls).toHaveLength(1);

    clock = 1_000;
    expect(await cache.appFor('wk-1')).toBe('app-1');
    expect(store.calls).toHaveLength(2);
  });

  it('remembers an unknown key for the shorter miss time', async () => {
    let clock = 0;
    const store = fakeStore({});
    const cache = new WriteKeyCache(store.resolve, { missTtlMs: 100, now: () => clock });

    expect(await cache.appFor('nope')).toBeNull();
    expect(await cache.appFor('nope')).toBeNull();
    expect(store.calls).toHaveLength(1);

    clock = 100;
    expect(await cache.appFor('nope')).toBeNull();
    expect(store.calls).toHaveLength(2);
  });

  it('shares one lookup between concurrent requests for a key', async () => {
    const store = fakeStore({ 'wk-1': 'app-1' });
    const cache = new WriteKeyCache(store.resolve);

    const answers = await Promise.all([1, 2, 3].map(() => cache.appFor('wk-1')));

    expect(answers).toEqual(['app-1', 'app-1', 'app-1']);
    expect(store.calls).toEqual(['wk-1']);
  });

  it('drops the oldest entry beyond the size bound', async () => {
    const store = fakeStore({ a: '1', b: '2', c: '3' });
    const cache = new WriteKeyCache(store.resolve, { maxEntries: 2 });

    for (const key of ['a', 'b', 'c', 'b', 'c', 'a']) await cache.appFor(key);

    expect(store.calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not cache a failed lookup', async () => {
    let fail = true;
    const cache = new WriteKeyCache(async () => {
      if (fail) throw new Error('redis down');
      return 'app-1';
    });

    await expect(cache.appFor('wk-1')).rejects.toThrow('redis down');
    fail = false;
    expect(await cache.appFor('wk-1')).toBe('app-1');
  });
});
