import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * The Lua scripts of the platform, by name. Each file opens with its KEYS, ARGV and return
 * values. They are read from the package's `src/redis/lua` folder, which sits at the same
 * relative place from `src/redis` and from `dist/redis`, so built code finds them too.
 */
export const scriptNames = [
  'apply-users',
  'find-crossings',
  'renew-lease',
  'release-lease',
  'save-segment',
] as const;

export type ScriptName = (typeof scriptNames)[number];

const luaDir = path.resolve(__dirname, '..', '..', 'src', 'redis', 'lua');

/** The source of one script. */
export function scriptSource(name: ScriptName): string {
  return readFileSync(path.join(luaDir, `${name}.lua`), 'utf8');
}

/** Commands added to a client by {@link defineScripts}: `numberOfKeys, ...keys, ...args`. */
export interface ScriptCommands {
  applyUsers(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  findCrossings(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  renewLease(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  releaseLease(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  saveSegment(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<string>;
}

/** A client with the scripts defined on it. */
export type ScriptedRedis = Redis & ScriptCommands;

type Args = (string | number)[];

/** A pipeline of a {@link ScriptedRedis}: the scripts can be queued on it too. */
export type ScriptedPipeline = ChainableCommander & {
  applyUsers(numberOfKeys: number, ...keysAndArgs: Args): ScriptedPipeline;
  findCrossings(numberOfKeys: number, ...keysAndArgs: Args): ScriptedPipeline;
  renewLease(numberOfKeys: number, ...keysAndArgs: Args): ScriptedPipeline;
  releaseLease(numberOfKeys: number, ...keysAndArgs: Args): ScriptedPipeline;
  saveSegment(numberOfKeys: number, ...keysAndArgs: Args): ScriptedPipeline;
};

/** A pipeline on which the scripts can be queued (ioredis adds them, its types do not). */
export function scriptedPipeline(redis: ScriptedRedis): ScriptedPipeline {
  return redis.pipeline() as ScriptedPipeline;
}

function commandName(name: ScriptName): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Defines every script on `redis` once (ioredis sends EVALSHA and falls back to EVAL after a
 * script cache flush or a server restart). Idempotent per client.
 */
export function defineScripts(redis: Redis): ScriptedRedis {
  const scripted = redis as ScriptedRedis;
  for (const name of scriptNames) {
    const command = commandName(name);
    if (command in scripted) continue;
    redis.defineCommand(command, { lua: scriptSource(name) });
  }

  return scripted;
}
