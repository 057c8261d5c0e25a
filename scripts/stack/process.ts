import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { paths } from './paths';

/** A background process of the stack: its PID file and what its command line must contain. */
export interface ManagedProcess {
  name: string;
  /** Strings that all appear in /proc/<pid>/cmdline of our process and not in a stranger's. */
  markers: string[];
}

export function pidFile(name: string): string {
  return path.join(paths.run, `${name}.pid`);
}

export function logFile(name: string): string {
  return path.join(paths.logs, `${name}.log`);
}

/**
 * The PID of our running process, or undefined. A PID file whose process is gone, or whose PID
 * now belongs to another program (PIDs are reused after a reboot), is stale and is removed.
 */
export function runningPid(proc: ManagedProcess): number | undefined {
  const file = pidFile(proc.name);
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }

  if (Number.isInteger(pid) && pid > 0 && isOurs(pid, proc.markers)) return pid;

  fs.rmSync(file, { force: true });
  return undefined;
}

function isOurs(pid: number, markers: string[]): boolean {
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return false;
  }

  return markers.every((marker) => cmdline.includes(marker));
}

/**
 * Starts `command` detached from this process (so it outlives `npm run stack:up`), with stdout
 * and stderr appended to its log file, and records its PID.
 */
export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: string[],
  cwd: string = paths.root,
): number {
  fs.mkdirSync(paths.run, { recursive: true });
  fs.mkdirSync(paths.logs, { recursive: true });
  const out = fs.openSync(logFile(proc.name), 'a');
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${proc.name} (${command})`);

  child.unref();
  fs.writeFileSync(pidFile(proc.name), `${child.pid}\n`);
  return child.pid;
}

/** Stops our process with SIGTERM, then SIGKILL after `graceMs`; true if one was running. */
export async function stopProcess(proc: ManagedProcess, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(proc);
  if (pid === undefined) return false;

  process.kill(pid, 'SIGTERM');
  const exited = await waitFor(() => !isAlive(pid), graceMs, 200);
  if (!exited) {
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 5_000, 100);
  }

  fs.rmSync(pidFile(proc.name), { force: true });
  return true;
}

function isAlive(pid: number): boolean {
  try {
    // A zombie still answers signal 0; its state letter in /proc says it is gone.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Resident memory of a process in MiB, read from /proc, or undefined if it is gone. */
export function residentMiB(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kib === undefined ? undefined : Math.round(Number(kib) / 1024);
  } catch {
    return undefined;
  }
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes. A check that throws counts as
 * "not yet": the parts of the stack refuse connections while they start.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      // not ready yet
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The last lines of a log file, for error messages when a part does not come up. */
export function logTail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
