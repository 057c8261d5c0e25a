import { Type } from '@sinclair/typebox';
import { commonEnv, loadConfig, portEnv } from './config';
import { AppError } from './errors';

const schema = Type.Object({ ...commonEnv, COLLECTOR_PORT: portEnv(4100) });

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    const config = loadConfig(schema, {});

    expect(config.COLLECTOR_PORT).toBe(4100);
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('converts numbers given as strings', () => {
    expect(loadConfig(schema, { COLLECTOR_PORT: '5100' }).COLLECTOR_PORT).toBe(5100);
  });

  it('names every bad variable in one error', () => {
    const env = { COLLECTOR_PORT: 'ninety', REDIS_URL: 'localhost:6379', LOG_LEVEL: 'loud' };

    let caught: unknown;
    try {
      loadConfig(schema, env);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('config_invalid');
    const message = (caught as AppError).message;
    expect(message).toContain('COLLECTOR_PORT');
    expect(message).toContain('REDIS_URL');
    expect(message).toContain('LOG_LEVEL');
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig(schema, { COLLECTOR_PORT: '70000' })).toThrow(/COLLECTOR_PORT/);
  });
});
