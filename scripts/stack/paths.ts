import path from 'node:path';

/** Versions of the stack, pinned so that every machine runs the same broker and registry. */
export const versions = {
  kafka: '3.9.1',
  registry: '3.3.3',
} as const;

const root = path.resolve(__dirname, '..', '..');
const stackDir = path.join(root, '.stack');

/**
 * Where the stack keeps its files. Everything lives under `.stack/` (git-ignored), so deleting
 * that folder resets the stack to a fresh download.
 */
export const paths = {
  root,
  pom: path.join(__dirname, 'pom.xml'),
  schemas: path.join(root, 'schemas'),
  stack: stackDir,
  run: path.join(stackDir, 'run'),
  logs: path.join(stackDir, 'logs'),
  kafkaLibs: path.join(stackDir, 'kafka', 'libs'),
  kafkaConfig: path.join(stackDir, 'kafka', 'config'),
  kafkaData: path.join(stackDir, 'kafka', 'data'),
  registryHome: path.join(stackDir, 'registry'),
  downloads: path.join(stackDir, 'downloads'),
  redisData: path.join(stackDir, 'redis'),
};

/** Local addresses of the stack's parts. The ports are fixed: other tools assume them. */
export const addresses = {
  kafkaHost: '127.0.0.1',
  kafkaPort: 9092,
  controllerPort: 9093,
  registryPort: 8081,
  redisPort: 6380,
};

export const kafkaBrokers = `${addresses.kafkaHost}:${addresses.kafkaPort}`;
export const registryBaseUrl = `http://127.0.0.1:${addresses.registryPort}`;
/** The Confluent-compatible API of Apicurio Registry, the URL clients get. */
export const registryUrl = `${registryBaseUrl}/apis/ccompat/v7`;
export const ownRedisUrl = `redis://127.0.0.1:${addresses.redisPort}`;
