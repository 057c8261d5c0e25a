import { stopStack, type PartName } from '../../scripts/stack/stack';
import { startedKey } from './global-setup';

/**
 * Stops what the global setup started and nothing else: a stack that was already running
 * (someone's `npm run stack:up`) stays up for its owner.
 */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)[startedKey] as PartName[] | undefined;
  if (!started || started.length === 0) return;

  await stopStack(started, (message) => process.stderr.write(`stack: ${message}\n`));
}
