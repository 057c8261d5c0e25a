export * from './errors';
export * from './config';
export * from './logger';
export * from './metrics';
export * from './shutdown';
export * from './http/ops-routes';
export * from './registry';
export * from './kafka/topics';
