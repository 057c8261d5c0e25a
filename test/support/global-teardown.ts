import { leaveForTests } from '../../scripts/stack/stack';

/**
 * Stops what test runs started, once no other test run uses it; a stack started with
 * `npm run stack:up` stays up for whoever asked for it.
 */
export default async function globalTeardown(): Promise<void> {
  await leaveForTests((message) => process.stderr.write(`stack: ${message}\n`));
}
