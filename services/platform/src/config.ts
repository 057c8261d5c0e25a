import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from './errors';

/**
 * Environment variables every service shares. Each service extends this with its own
 * (ports, batch sizes) and calls {@link loadConfig} once at start; library code receives the
 * typed result and never reads `process.env`.
 */
export const commonEnv = {
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', minLength: 1 }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  SCHEMA_REGISTRY_URL: Type.String({
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    pattern: '^https?://',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info' },
  ),
  /** Prefix of every Redis key the product writes, so that tests and tenants can share a server. */
  REDIS_KEY_PREFIX: Type.String({ default: 'aud:', pattern: '^[A-Za-z0-9:_-]*$' }),
} satisfies TProperties;

/** A TCP port number read from the environment. */
export function portEnv(defaultPort: number) {
  return Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort });
}

/**
 * Reads `env` against `schema`: fills defaults, converts numbers and booleans, and throws one
 * `config_invalid` error naming every bad variable, so a wrong deployment fails at start with a
 * message that says what to fix.
 */
export function loadConfig<T extends TObject>(schema: T, env: NodeJS.ProcessEnv): Static<T> {
  const keys = Object.keys(schema.properties);
  const picked: Record<string, unknown> = {};
  for (const key of keys) {
    if (env[key] !== undefined && env[key] !== '') picked[key] = env[key];
  }

  const value = Value.Convert(schema, Value.Default(schema, picked));
  const problems = [...Value.Errors(schema, value)].map(
    (error) => `${error.path.slice(1) || '(root)'}: ${error.message}`,
  );
  if (problems.length > 0) {
    throw new AppError('config_invalid', `invalid environment: ${problems.join('; ')}`, {
      details: problems,
    });
  }

  return value as Static<T>;
}
