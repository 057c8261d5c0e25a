import fs from 'node:fs';
import path from 'node:path';
import { paths } from './paths';
import { waitFor } from './process';

/**
 * Several engineers' test runs and `npm run stack:up` share one stack on this machine. Three
 * files under .stack/run coordinate them:
 * - `lock/`: held (mkdir is atomic) while one caller checks and starts parts, so two callers
 *   never both start a Kafka and race for its port;
 * - `users/<pid>`: one file per test run using the stack; the last one out stops the parts a
 *   test run started (`started-by-tests`), never while another run still uses them;
 * - `pinned`: written by `stack:up`, removed by `stack:down`; a pinned stack is never stopped
 *   by tests, because a person asked for it to run.
 */
const lockDir = path.join(paths.run, 'lock');
const usersDir = path.join(paths.run, 'users');
const pinFile = path.join(paths.run, 'pinned');
const startedByTestsFile = path.join(paths.run, 'started-by-tests');

/** Runs `work` while holding the stack lock; a lock whose holder died is taken over. */
export async function withStackLock<T>(work: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  fs.mkdirSync(paths.run, { recursive: true });
  const acquired = await waitFor(tryLock, timeoutMs, 250);
  if (!acquired) throw new Error(`the stack lock ${lockDir} stayed busy for ${timeoutMs} ms`);

  try {
    return await work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function tryLock(): boolean {
  try {
    fs.mkdirSync(lockDir);
    fs.writeFileSync(path.join(lockDir, 'owner'), String(process.pid));
    return true;
  } catch {
    // Busy: take it over only if its holder is gone (killed while starting the stack).
    const owner = Number(readText(path.join(lockDir, 'owner')));
    if (owner > 0 && !pidAlive(owner)) fs.rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

export function pin(): void {
  fs.mkdirSync(paths.run, { recursive: true });
  fs.writeFileSync(pinFile, `${new Date().toISOString()}\n`);
}

export function unpin(): void {
  fs.rmSync(pinFile, { force: true });
}

export function isPinned(): boolean {
  return fs.existsSync(pinFile);
}

/** Records this process as a user of the stack and which parts it started. */
export function addUser(startedParts: string[]): void {
  fs.mkdirSync(usersDir, { recursive: true });
  fs.writeFileSync(path.join(usersDir, String(process.pid)), '');
  const parts = new Set([...startedByTests(), ...startedParts]);
  fs.writeFileSync(startedByTestsFile, [...parts].join('\n'));
}

/**
 * Removes this process from the users and, when it was the last live one and the stack is
 * not pinned, returns the parts test runs started (and forgets them); otherwise none.
 */
export function removeUser(): string[] {
  fs.rmSync(path.join(usersDir, String(process.pid)), { force: true });
  if (isPinned() || liveUsers().length > 0) return [];

  const parts = startedByTests();
  fs.rmSync(startedByTestsFile, { force: true });
  return parts;
}

/** Forgets which parts tests started: `stack:up` adopts a running stack as its own. */
export function forgetTestStarts(): void {
  fs.rmSync(startedByTestsFile, { force: true });
}

function startedByTests(): string[] {
  return readText(startedByTestsFile).split('\n').filter(Boolean);
}

function liveUsers(): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(usersDir);
  } catch {
    return [];
  }

  return names.map(Number).filter((pid) => {
    if (pidAlive(pid)) return true;
    fs.rmSync(path.join(usersDir, String(pid)), { force: true });
    return false;
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
