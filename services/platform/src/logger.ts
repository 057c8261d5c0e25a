import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths that may carry secrets; pino replaces their values before a line is written. */
const redactedPaths = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'writeKey',
  'token',
  'adminToken',
  'password',
  '*.password',
  '*.writeKey',
];

/**
 * The root logger of a service: JSON lines, secrets redacted, `service` bound on every line.
 * Components take a child with their own context (`logger.child({ component: 'sweeper' })`).
 */
export function createLogger(service: string, level: string, options: LoggerOptions = {}): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...options,
  });
}
