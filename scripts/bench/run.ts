/**
 * `npm run bench`: runs every benchmark of the project one after the other (each in its own
 * process, so one's memory and event loop never weigh on the next), then prints one table of
 * all figures and writes them to bench-results/bench.json. Each benchmark writes its own
 * bench-results/<name>.json with `{ at, rows }`; this script only gathers them.
 *
 * `npm run bench -- pipeline collector` runs only the named ones. Needs the stack.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const resultsDir = path.join(root, 'bench-results');

const benches: Record<string, string> = {
  engine: 'services/engine/bench/engine.bench.ts',
  collector: 'scripts/bench/collector.bench.ts',
  pipeline: 'scripts/bench/pipeline.bench.ts',
  admin: 'scripts/bench/admin.bench.ts',
};

type Row = Record<string, unknown>;

function runOne(name: string, file: string): { rows: Row[]; error?: string } {
  const resultFile = path.join(resultsDir, `${name}.json`);
  fs.rmSync(resultFile, { force: true });
  console.log(`\n=== ${name} (${file})`);
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const result = spawnSync(tsx, [path.join(root, file)], { stdio: 'inherit', env: process.env });
  if (result.status !== 0 || !fs.existsSync(resultFile)) {
    return { rows: [], error: `exited with ${result.status ?? result.signal}` };
  }
  const parsed = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { rows?: Row[] };
  return { rows: parsed.rows ?? [] };
}

/** One line per row: bench, case, goal met, then every other figure as name=value. */
function printTable(all: Record<string, { rows: Row[]; error?: string }>): void {
  console.log(`\n${'bench'.padEnd(10)} ${'case'.padEnd(32)} ${'goal'.padEnd(5)} figures`);
  for (const [name, { rows, error }] of Object.entries(all)) {
    if (error) console.log(`${name.padEnd(10)} ${'(failed)'.padEnd(32)} ${'-'.padEnd(5)} ${error}`);
    for (const row of rows) {
      const met =
        row.meetsGoal === null || row.meetsGoal === undefined ? '-' : row.meetsGoal ? 'yes' : 'NO';
      const figures = Object.entries(row)
        .filter(([key]) => !['bench', 'case', 'meetsGoal'].includes(key))
        .map(
          ([key, value]) =>
            `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
        )
        .join(' ');
      console.log(
        `${name.padEnd(10)} ${String(row.case ?? row.name ?? '').padEnd(32)} ${met.padEnd(5)} ${figures}`,
      );
    }
  }
}

function main(): void {
  const wanted = process.argv.slice(2);
  const selected = Object.entries(benches).filter(
    ([name]) => wanted.length === 0 || wanted.includes(name),
  );
  fs.mkdirSync(resultsDir, { recursive: true });
  const all: Record<string, { rows: Row[]; error?: string }> = {};
  for (const [name, file] of selected) all[name] = runOne(name, file);

  printTable(all);
  const machine = { cpus: os.cpus().length, loadAverage: os.loadavg(), node: process.version };
  const out = path.join(resultsDir, 'bench.json');
  fs.writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), machine, results: all }, null, 2)}\n`,
  );
  console.log(`\nwritten ${path.relative(root, out)}`);
  if (Object.values(all).some((result) => result.error)) process.exitCode = 1;
}

main();
