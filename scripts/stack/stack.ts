import fs from 'node:fs';
import { ensureKafkaJars, ensureRegistry, type Log } from './download';
import { kafkaAnswers, kafkaCommand, kafkaProcess, kafkaServerLog, prepareKafka } from './kafka';
import { kafkaBrokers, ownRedisUrl, paths, registryUrl } from './paths';
import {
  logFile,
  logTail,
  residentMiB,
  runningPid,
  startDetached,
  stopProcess,
  waitFor,
  type ManagedProcess,
} from './process';
import { redisAnswers, redisCommand, redisProcess } from './redis';
import { registryAnswers, registryCommand, registryProcess } from './registry';
import { addUser, forgetTestStarts, pin, removeUser, unpin, withStackLock } from './sharing';
import { ensureTopics, registerSchemas } from './topics';

export type { Log } from './download';

export type PartName = 'redis' | 'kafka' | 'registry';

/** Connection settings of a running stack, in the form the services read from the env. */
export interface StackInfo {
  kafkaBrokers: string;
  registryUrl: string;
  redisUrl: string;
  /** The parts this call started; a caller that stops "what it started" stops these. */
  startedByUs: PartName[];
}

/** One part of the stack: how to tell it answers, and how to prepare and start it. */
interface Part {
  name: PartName;
  address: string;
  process: ManagedProcess;
  log: string;
  answers: () => Promise<boolean>;
  prepare: (log: Log) => Promise<void>;
  command: () => [string, string[]];
  cwd?: string;
  startTimeoutMs: number;
}

const kafkaPart: Part = {
  name: 'kafka',
  address: kafkaBrokers,
  process: kafkaProcess,
  log: kafkaServerLog,
  answers: () => kafkaAnswers(),
  prepare: async (log) => {
    await ensureKafkaJars(log);
    await prepareKafka(log);
  },
  command: kafkaCommand,
  startTimeoutMs: 90_000,
};

const registryPart: Part = {
  name: 'registry',
  address: registryUrl,
  process: registryProcess,
  log: logFile('registry'),
  answers: () => registryAnswers(),
  prepare: ensureRegistry,
  command: registryCommand,
  cwd: paths.registryHome,
  startTimeoutMs: 90_000,
};

const redisPart: Part = {
  name: 'redis',
  address: ownRedisUrl,
  process: redisProcess,
  log: logFile('redis'),
  answers: () => redisAnswers(ownRedisUrl),
  prepare: async () => {
    fs.mkdirSync(paths.redisData, { recursive: true });
  },
  command: redisCommand,
  startTimeoutMs: 15_000,
};

/**
 * Brings the local stack up unless it already runs, then makes sure topics and schemas exist.
 * Safe to call again and again, from several processes at once: a part that answers is left
 * alone (whoever started it), a PID file whose process is gone or is not ours is ignored.
 * `REDIS_URL`, when set, replaces the project's own Redis. Used by `npm run stack:up`, the jest
 * global setup and `npm start`.
 */
export function ensureStack(options: StackOptions = {}): Promise<StackInfo> {
  return withStackLock(() => bringUp(options));
}

export interface StackOptions {
  log?: Log;
  env?: NodeJS.ProcessEnv;
}

async function bringUp(options: StackOptions): Promise<StackInfo> {
  const log = options.log ?? (() => undefined);
  const env = options.env ?? process.env;
  const externalRedis = env.REDIS_URL;
  const parts = externalRedis ? [kafkaPart, registryPart] : [redisPart, kafkaPart, registryPart];

  // Downloads run one after the other (one Maven at a time), the JVMs then start together.
  const started = await Promise.all(parts.map((part) => startPart(part, log)));
  const startedByUs = parts.filter((_, index) => started[index]).map((part) => part.name);

  if (externalRedis && !(await redisAnswers(externalRedis))) {
    throw new Error(`REDIS_URL is set to ${externalRedis} but that Redis does not answer PING`);
  }

  await ensureTopics(kafkaBrokers, partitionsFrom(env), log);
  await registerSchemas(registryUrl, log);
  return { kafkaBrokers, registryUrl, redisUrl: externalRedis ?? ownRedisUrl, startedByUs };
}

/** `npm run stack:up`: like {@link ensureStack}, and pins the stack so tests never stop it. */
export function upByHand(options: StackOptions = {}): Promise<StackInfo> {
  return withStackLock(async () => {
    const info = await bringUp(options);
    pin();
    return info;
  });
}

/** `npm run stack:down`: stops every part `up` or a test run started, and unpins. */
export function downByHand(log: Log): Promise<void> {
  return withStackLock(async () => {
    unpin();
    forgetTestStarts();
    await stopStack(undefined, log);
  });
}

/** Jest global setup: {@link ensureStack}, and registers this run as a user of the stack. */
export function joinForTests(options: StackOptions = {}): Promise<StackInfo> {
  return withStackLock(async () => {
    const info = await bringUp(options);
    addUser(info.startedByUs);
    return info;
  });
}

/**
 * Jest global teardown: leaves the stack; the last test run out stops what test runs started,
 * unless someone pinned the stack with `stack:up` or another run still uses it.
 */
export function leaveForTests(log: Log): Promise<PartName[]> {
  return withStackLock(async () => {
    const parts = removeUser().filter(isPartName);
    if (parts.length > 0) await stopStack(parts, log);
    return parts;
  });
}

function isPartName(name: string): name is PartName {
  return name === 'redis' || name === 'kafka' || name === 'registry';
}

let preparing: Promise<void> = Promise.resolve();

/** Starts a part unless it answers or is already starting; true when this call started it. */
async function startPart(part: Part, log: Log): Promise<boolean> {
  if (await part.answers()) return false;

  let pid = runningPid(part.process);
  const startedNow = pid === undefined;
  if (pid === undefined) {
    const prepared = preparing.then(() => part.prepare(log));
    preparing = prepared.catch(() => undefined);
    await prepared;
    const [command, args] = part.command();
    pid = startDetached(part.process, command, args, part.cwd);
    log(`starting ${part.name} (pid ${pid})`);
  } else {
    log(`${part.name} is starting already (pid ${pid}), waiting`);
  }

  await waitUntilAnswers(part, pid);
  return startedNow;
}

async function waitUntilAnswers(part: Part, pid: number): Promise<void> {
  let exited = false;
  const ready = await waitFor(async () => {
    exited = runningPid(part.process) !== pid;
    return exited || (await part.answers());
  }, part.startTimeoutMs);

  if (ready && !exited) return;

  const why = exited ? 'exited' : `did not answer within ${part.startTimeoutMs / 1000} s`;
  throw new Error(`${part.name} ${why}; last lines of ${part.log}:\n${logTail(part.log)}`);
}

function partitionsFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.TOPIC_PARTITIONS ?? '12';
  const partitions = Number(raw);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1000) {
    throw new Error(`TOPIC_PARTITIONS must be a whole number from 1 to 1000, got "${raw}"`);
  }
  return partitions;
}

/**
 * Stops the parts named (all by default) that `up` started, as recorded in their PID files,
 * and waits for each to exit. A part someone else started is never touched.
 */
export async function stopStack(
  names: PartName[] = ['registry', 'kafka', 'redis'],
  log: Log = () => undefined,
): Promise<void> {
  // Registry first, Redis last: nothing of the stack depends on the ones stopped before.
  for (const part of [registryPart, kafkaPart, redisPart]) {
    if (!names.includes(part.name)) continue;
    const stopped = await stopProcess(part.process);
    log(stopped ? `stopped ${part.name}` : `${part.name} was not running (no live PID file)`);
  }
}

/** What runs where: one entry per part, with whether it answers now. */
export interface PartStatus {
  name: PartName;
  address: string;
  answers: boolean;
  /** Our process, if `up` started it and it still runs. */
  pid?: number;
  rssMiB?: number;
  log: string;
}

export async function stackStatus(): Promise<PartStatus[]> {
  return Promise.all(
    [kafkaPart, registryPart, redisPart].map(async (part) => {
      const pid = runningPid(part.process);
      const rssMiB = pid === undefined ? undefined : residentMiB(pid);
      return {
        name: part.name,
        address: part.address,
        answers: await part.answers(),
        pid,
        rssMiB,
        log: part.log,
      };
    }),
  );
}
