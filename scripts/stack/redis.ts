import { Redis } from 'ioredis';
import { addresses, paths } from './paths';
import type { ManagedProcess } from './process';

export const redisProcess: ManagedProcess = {
  name: 'redis',
  markers: ['redis-server', String(addresses.redisPort)],
};

/**
 * The project's own Redis, never the machine's: another port, its own directory, and no
 * persistence (it holds test and development state only, and snapshots would cost I/O).
 */
export function redisCommand(): [string, string[]] {
  return [
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(addresses.redisPort),
      '--dir',
      paths.redisData,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
  ];
}

/** True when the Redis at `url` answers PING. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
