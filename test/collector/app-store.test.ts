import { AppError, AppStore, hashWriteKey } from '@audience/platform';
import { Redis } from 'ioredis';
import { stack } from './collector-harness';

const prefix = `test:app-store:${process.pid}:${Date.now()}:`;
let redis: Redis;
let store: AppStore;

beforeAll(() => {
  redis = new Redis(stack.redisUrl);
  store = new AppStore(redis, prefix);
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

it('creates apps whose write key resolves to the app, and lists them without keys', async () => {
  const shop = await store.createApp('  Shop ');
  const news = await store.createApp('News');

  expect(shop).toEqual({
    id: expect.stringMatching(/^app_[A-Za-z0-9_-]+$/),
    name: 'Shop',
    writeKey: expect.any(String),
    createdAt: expect.any(String),
  });
  // 24 random bytes in base64url: 32 characters after the prefix, 192 bits.
  expect(shop.writeKey).toMatch(/^wk_[A-Za-z0-9_-]{32}$/);
  expect(shop.writeKey).not.toBe(news.writeKey);
  expect(await store.appForWriteKey(shop.writeKey)).toBe(shop.id);
  expect(await store.appForWriteKey(news.writeKey)).toBe(news.id);
  expect(await store.appForWriteKey(`${shop.writeKey}x`)).toBeNull();
  expect(await store.appForWriteKey('')).toBeNull();

  const listed = await store.listApps();
  // Apps created within one millisecond tie on score; their order is then by id.
  expect(listed).toHaveLength(2);
  expect(listed).toEqual(
    expect.arrayContaining([
      { id: shop.id, name: 'Shop', createdAt: shop.createdAt },
      { id: news.id, name: 'News', createdAt: news.createdAt },
    ]),
  );
  expect(await store.getApp(news.id)).toEqual({
    id: news.id,
    name: 'News',
    createdAt: news.createdAt,
  });
  expect(await store.getApp('app_missing')).toBeNull();
});

it('stores the write key only as its SHA-256 hash', async () => {
  const app = await store.createApp('Secret keeper');
  const keys = await redis.keys(`${prefix}*`);
  const values = await Promise.all(
    keys.map(async (key) => {
      const type = await redis.type(key);
      if (type === 'hash') return JSON.stringify(await redis.hgetall(key));
      if (type === 'string') return (await redis.get(key)) ?? '';
      return JSON.stringify(await redis.zrange(key, 0, -1));
    }),
  );

  const everything = [...keys, ...values].join('\n');
  expect(everything).not.toContain(app.writeKey);
  expect(everything).toContain(hashWriteKey(app.writeKey));
});

it('refuses an empty or too long name with invalid_app_name', async () => {
  for (const name of ['', '   ', 'n'.repeat(201)]) {
    await expect(store.createApp(name)).rejects.toMatchObject({
      constructor: AppError,
      code: 'invalid_app_name',
      status: 400,
    });
  }
});
