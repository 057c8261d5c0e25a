import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { paths, versions } from './paths';

/** Where progress messages go: the terminal for the CLI, the jest console for tests. */
export type Log = (message: string) => void;

const registryArtifact = `io.apicurio:apicurio-registry-app:${versions.registry}:tar.gz:all`;

/** The Kafka jars, resolved by Maven into .stack/kafka/libs on first use. */
export async function ensureKafkaJars(log: Log): Promise<void> {
  if (fs.existsSync(paths.kafkaLibs)) return;

  log(`downloading Kafka ${versions.kafka} jars with Maven (first run only)`);
  // Copied aside and renamed once complete, so an interrupted download is redone.
  const partial = `${paths.kafkaLibs}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  await maven(log, [
    'dependency:copy-dependencies',
    `-DoutputDirectory=${partial}`,
    '-DincludeScope=runtime',
  ]);
  fs.renameSync(partial, paths.kafkaLibs);
}

/**
 * Apicurio Registry, a Quarkus application shipped as a tar.gz on Maven Central; unpacked with
 * tar rather than Maven's unpack goal, which leaves PaxHeaders debris next to the files.
 */
export async function ensureRegistry(log: Log): Promise<void> {
  const runner = path.join(paths.registryHome, 'quarkus-run.jar');
  if (fs.existsSync(runner)) return;

  log(`downloading Apicurio Registry ${versions.registry} with Maven (first run only)`);
  await maven(log, [
    'dependency:copy',
    `-Dartifact=${registryArtifact}`,
    `-DoutputDirectory=${paths.downloads}`,
  ]);

  const archive = path.join(
    paths.downloads,
    `apicurio-registry-app-${versions.registry}-all.tar.gz`,
  );
  const unpacking = path.join(paths.stack, 'registry.unpacking');
  fs.rmSync(unpacking, { recursive: true, force: true });
  fs.mkdirSync(unpacking, { recursive: true });
  await run(log, 'tar', ['-xzf', archive, '-C', unpacking], false);
  // Renamed only once complete, so an interrupted unpack is redone rather than half used.
  fs.rmSync(paths.registryHome, { recursive: true, force: true });
  fs.renameSync(unpacking, paths.registryHome);
}

function maven(log: Log, goals: string[]): Promise<void> {
  return run(log, 'mvn', ['-B', '-f', paths.pom, ...goals], true);
}

/**
 * Runs a command to completion. With `progress`, Maven's transfer lines are echoed shortened
 * ("downloaded kafka_2.13-3.9.1.jar (6.4 MB)") so a first run on a slow link shows movement.
 */
function run(log: Log, command: string, args: string[], progress: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: paths.root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        output.push(line);
        // Jars and archives only: Maven also fetches some 400 small pom files on a first run.
        const done = /^Downloaded from \S+: (\S+\.(?:jar|tar\.gz)) \(([^)]+)\)/.exec(
          stripAnsi(line),
        );
        if (progress && done) log(`  downloaded ${path.basename(done[1] ?? '')} (${done[2]})`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const tail = output.filter(Boolean).slice(-25).join('\n');
      reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${tail}`));
    });
  });
}

function stripAnsi(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\u001b\[[0-9;]*m/g, '').replace(/^\[INFO\] /, '');
}
