import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserEvent } from '@audience/engine';
import {
  AppSegments,
  BUCKET_COUNT,
  UserUpdater,
  createRedis,
  redisKeys,
  type ScriptedRedis,
  type StoredSegment,
} from '@audience/platform';
import pino from 'pino';

const logger = pino({ level: 'silent' });

export interface MemoryResult {
  users: number;
  bytesPerUser: number;
  memberships: number;
  bytesPerMembership: number;
}

/**
 * Redis bytes per user (a session, a language and three visited paths) and per membership
 * entry, from `used_memory` deltas on a private, empty redis-server of the same version as the
 * stack's (so other engineers' keys on the shared one do not blur the figures). Users are
 * written with the worker's own code (UserUpdater and apply-users.lua).
 */
export async function measureMemory(users: number, segmentCount: number): Promise<MemoryResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
  const port = 6_490 + Math.floor(Math.random() * 9);
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const redis = createRedis({ url: `redis://127.0.0.1:${port}`, logger, name: 'bench-memory' });
  try {
    await waitForPing(redis);
    return await measure(redis, users, segmentCount);
  } finally {
    redis.disconnect();
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForPing(redis: ScriptedRedis): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await redis.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function usedMemory(redis: ScriptedRedis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function measure(redis: ScriptedRedis, users: number, segmentCount: number) {
  const keys = redisKeys('aud:');
  const updater = new UserUpdater(redis, keys, logger);
  const appId = 'memory-app';
  const now = Date.now();
  const none = new AppSegments();

  const before = await usedMemory(redis);
  for (let start = 0; start < users; start += 5_000) {
    const batch = new Map<string, UserEvent[]>();
    for (let index = start; index < Math.min(users, start + 5_000); index += 1) {
      batch.set(`user-${index}`, userEvents(`user-${index}`, index, now));
    }
    await updater.update(appId, batch, affectedNone(none), now);
  }
  const afterUsers = await usedMemory(redis);

  const segments = everyoneSegments(appId, segmentCount);
  for (let start = 0; start < users; start += 5_000) {
    const batch = new Map<string, UserEvent[]>();
    for (let index = start; index < Math.min(users, start + 5_000); index += 1) {
      batch.set(`user-${index}`, []);
    }
    await updater.update(appId, batch, () => allOf(segments, now), now);
  }
  // The outbox holds these changes until a publisher takes them: not membership memory.
  const pipeline = redis.pipeline();
  for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) pipeline.del(keys.outbox(appId, bucket));
  await pipeline.exec();
  const afterMembers = await usedMemory(redis);

  const memberships = users * segmentCount;
  return {
    users,
    bytesPerUser: Math.round((afterUsers - before) / users),
    memberships,
    bytesPerMembership: Math.round((afterMembers - afterUsers) / memberships),
  };
}

function userEvents(userId: string, index: number, now: number): UserEvent[] {
  const base = { userId, timestamp: now - (index % 20) * 3_600_000 };
  return [
    { type: 'app_session', eventId: `${userId}-s`, ...base, language: 'en-US' },
    { type: 'page_view', eventId: `${userId}-1`, ...base, path: `/product/${index % 1000}` },
    { type: 'page_view', eventId: `${userId}-2`, ...base, path: '/cart' },
    { type: 'page_view', eventId: `${userId}-3`, ...base, path: `/search/q${index % 97}` },
  ];
}

function affectedNone(_segments: AppSegments) {
  return () => [];
}

/** Segments every user of this workload matches (they all visited /cart). */
function everyoneSegments(appId: string, count: number): AppSegments {
  const segments = new AppSegments();
  for (let index = 0; index < count; index += 1) {
    const definition = {
      name: `everyone ${index}`,
      match: 'all' as const,
      criteria: [
        {
          type: 'page_visited' as const,
          operator: 'visited' as const,
          match: 'equals' as const,
          path: '/cart',
        },
      ],
    };
    const stored: StoredSegment = {
      id: `segment${String(index).padStart(3, '0')}`.slice(-8),
      appId,
      version: 1,
      definition,
      status: 'ready',
      servingVersion: 1,
      liveVersions: [{ version: 1, definition }],
      createdAt: '',
      updatedAt: '',
    };
    segments.put(stored.id, stored);
  }
  return segments;
}

function allOf(segments: AppSegments, now: number) {
  return [...segments.all()].map((live) => ({ live, at: now, onlyIfChanged: false }));
}
