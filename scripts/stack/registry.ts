import path from 'node:path';
import { registryJava } from './java';
import { addresses, paths, registryUrl } from './paths';
import type { ManagedProcess } from './process';

const runner = path.join(paths.registryHome, 'quarkus-run.jar');

export const registryProcess: ManagedProcess = { name: 'registry', markers: [runner] };

/**
 * Apicurio Registry with its default in-memory storage: schemas vanish when it stops, which is
 * why `up` registers them every time. Bound to loopback; its management interface (which would
 * listen on 0.0.0.0:9000) is switched off.
 */
export function registryCommand(): [string, string[]] {
  return [
    registryJava(),
    [
      '-Xms64m',
      '-Xmx384m',
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      `-Dquarkus.http.port=${addresses.registryPort}`,
      '-Dquarkus.http.host=127.0.0.1',
      '-Dquarkus.management.enabled=false',
      '-jar',
      runner,
    ],
  ];
}

/** True when the registry's Confluent API lists subjects. */
export async function registryAnswers(url = registryUrl): Promise<boolean> {
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}
