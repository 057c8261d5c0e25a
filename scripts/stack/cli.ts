import { downByHand, stackStatus, upByHand, type PartStatus } from './stack';

/**
 * `npm run stack:up | stack:down | stack:status`. Prints progress on stderr-free stdout lines
 * so that a first run, which downloads ~150 MB through Maven, visibly moves.
 */
async function main(command: string | undefined): Promise<number> {
  const log = (message: string) => console.log(`stack: ${message}`);
  switch (command) {
    case 'up': {
      const started = Date.now();
      const info = await upByHand({ log });
      const took = ((Date.now() - started) / 1000).toFixed(1);
      log(`ready in ${took} s (started now: ${info.startedByUs.join(', ') || 'nothing'})`);
      printStatus(await stackStatus());
      console.log(`\nKAFKA_BROKERS=${info.kafkaBrokers}`);
      console.log(`SCHEMA_REGISTRY_URL=${info.registryUrl}`);
      console.log(`REDIS_URL=${info.redisUrl}`);
      return 0;
    }
    case 'down':
      await downByHand(log);
      return 0;
    case 'status': {
      const parts = await stackStatus();
      printStatus(parts);
      return parts.every((part) => part.answers) ? 0 : 1;
    }
    default:
      console.error('usage: tsx scripts/stack/cli.ts up|down|status');
      return 2;
  }
}

function printStatus(parts: PartStatus[]): void {
  for (const part of parts) {
    const state = part.answers ? 'answers' : 'DOWN   ';
    const owner = part.pid === undefined ? 'not started by stack:up' : `pid ${part.pid}`;
    const rss = part.rssMiB === undefined ? '' : `, ${part.rssMiB} MiB RSS`;
    console.log(`${part.name.padEnd(8)} ${state} ${part.address.padEnd(42)} ${owner}${rss}`);
    console.log(`${''.padEnd(17)}log: ${part.log}`);
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`stack: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
