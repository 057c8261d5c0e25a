import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { Log } from './download';
import { kafkaJava } from './java';
import { addresses, kafkaBrokers, paths } from './paths';
import type { ManagedProcess } from './process';

const execFileAsync = promisify(execFile);

export const kafkaProcess: ManagedProcess = {
  name: 'kafka',
  markers: ['kafka.Kafka', paths.kafkaConfig],
};

/** The broker's own log (log4j); the process's stdout goes to kafka.log beside it. */
export const kafkaServerLog = path.join(paths.logs, 'kafka-server.log');

/** Where one KRaft node listens and keeps its files, and how much heap its JVM gets. */
export interface KafkaNode {
  host: string;
  port: number;
  controllerPort: number;
  /** Holds server.properties and log4j.properties. */
  configDir: string;
  dataDir: string;
  /** The broker's own log (log4j). */
  serverLog: string;
  heap: { initial: string; max: string };
}

/** The stack's broker, on the fixed ports other tools assume. */
export const stackKafkaNode: KafkaNode = {
  host: addresses.kafkaHost,
  port: addresses.kafkaPort,
  controllerPort: addresses.controllerPort,
  configDir: paths.kafkaConfig,
  dataDir: paths.kafkaData,
  serverLog: kafkaServerLog,
  heap: { initial: '128m', max: '512m' },
};

const serverProperties = (node: KafkaNode) => path.join(node.configDir, 'server.properties');
const log4jProperties = (node: KafkaNode) => path.join(node.configDir, 'log4j.properties');

/**
 * One KRaft node acting as broker and controller, sized for a shared 2-core machine: every
 * replication factor 1, no topic created by accident (the stack creates them explicitly), and
 * no initial rebalance delay so that test consumers join their group at once.
 */
function brokerConfig(node: KafkaNode): string {
  const { host, port, controllerPort } = node;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${node.dataDir}`,
    'auto.create.topics.enable=false',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=12',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    'log.retention.hours=48',
    // The cleaner's dedupe buffer defaults to 128 MiB, a quarter of this broker's heap.
    'log.cleaner.dedupe.buffer.size=16777216',
    '',
  ].join('\n');
}

function log4jConfig(node: KafkaNode): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${node.serverLog}`,
    'log4j.appender.file.MaxFileSize=20MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    '',
  ].join('\n');
}

function jvmArgs(node: KafkaNode): string[] {
  return [
    `-Xms${node.heap.initial}`,
    `-Xmx${node.heap.max}`,
    // Serial GC: no parallel GC threads competing for the two cores with the services.
    '-XX:+UseSerialGC',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jProperties(node)}`,
    '-cp',
    `${paths.kafkaLibs}/*`,
  ];
}

/** Writes the config and formats the data directory once (KRaft needs a cluster id). */
export async function prepareKafka(log: Log, node: KafkaNode = stackKafkaNode): Promise<void> {
  fs.mkdirSync(node.configDir, { recursive: true });
  fs.mkdirSync(path.dirname(node.serverLog), { recursive: true });
  fs.writeFileSync(serverProperties(node), brokerConfig(node));
  fs.writeFileSync(log4jProperties(node), log4jConfig(node));
  if (fs.existsSync(path.join(node.dataDir, 'meta.properties'))) return;

  log('formatting Kafka storage (KRaft)');
  // A Kafka cluster id is 16 random bytes in base64url. Passed as `--cluster-id=<id>`: one that
  // starts with '-' (1 in 64) would otherwise be read as an option.
  const clusterId = randomBytes(16).toString('base64url');
  const args = [
    ...jvmArgs(node),
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${clusterId}`,
    '--config',
    serverProperties(node),
    '--ignore-formatted',
  ];
  await execFileAsync(kafkaJava(), args, { cwd: paths.root });
}

/** The command line that runs the broker; its config path makes it recognisably ours. */
export function kafkaCommand(node: KafkaNode = stackKafkaNode): [string, string[]] {
  return [kafkaJava(), [...jvmArgs(node), 'kafka.Kafka', serverProperties(node)]];
}

/** True when the broker answers a metadata request (not merely accepts TCP connections). */
export async function kafkaAnswers(brokers = kafkaBrokers): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
