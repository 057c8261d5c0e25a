import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/**
 * Runs one benchmark on its own (`npx tsx scripts/bench/<name>.bench.ts`): prints its rows,
 * writes them to `bench-results/<name>.json` for `npm run bench` to gather, and exits with 0,
 * or with 1 after printing the error.
 */
export function runStandalone<Row>(
  name: string,
  run: () => Promise<Row[]>,
  print: (rows: Row[]) => void,
): void {
  run().then(
    (rows) => {
      print(rows);
      const out = path.join(root, 'bench-results', `${name}.json`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`);
      console.log(`written ${path.relative(root, out)}`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
