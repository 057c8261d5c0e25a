import fs from 'node:fs';
import path from 'node:path';
import { pidFile, runningPid, type ManagedProcess } from '../../scripts/stack/process';
import { ensureStack, stackStatus } from '../../scripts/stack/stack';

// The global setup has brought the stack up, so a second `up` must find everything running.
test('ensureStack on a running stack starts nothing and returns the same addresses', async () => {
  const info = await ensureStack();

  expect(info.startedByUs).toEqual([]);
  expect(info.kafkaBrokers).toBe(process.env.KAFKA_BROKERS);
  expect(info.registryUrl).toBe(process.env.SCHEMA_REGISTRY_URL);
  expect(info.redisUrl).toBe(process.env.REDIS_URL);
});

test('stackStatus reports every part as answering', async () => {
  const parts = await stackStatus();

  expect(parts.map((part) => [part.name, part.answers])).toEqual([
    ['kafka', true],
    ['registry', true],
    ['redis', true],
  ]);
});

describe('PID files', () => {
  const name = `test-${process.pid}`;
  afterEach(() => fs.rmSync(pidFile(name), { force: true }));

  function writePid(pid: number): void {
    fs.mkdirSync(path.dirname(pidFile(name)), { recursive: true });
    fs.writeFileSync(pidFile(name), `${pid}\n`);
  }

  test('a live process that is not ours makes the PID file stale, and it is removed', () => {
    const proc: ManagedProcess = { name, markers: ['no-such-marker-in-any-command-line'] };
    writePid(process.pid);

    expect(runningPid(proc)).toBeUndefined();
    expect(fs.existsSync(pidFile(name))).toBe(false);
  });

  test('a PID whose process is gone is stale', () => {
    writePid(2 ** 22 + 1); // above Linux's pid_max, so never a live process

    expect(runningPid({ name, markers: [] })).toBeUndefined();
  });

  test('a live process whose command line has the markers is ours', () => {
    writePid(process.pid);

    expect(runningPid({ name, markers: ['node'] })).toBe(process.pid);
  });
});
