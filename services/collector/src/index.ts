export * from './collector-app';
export * from './collector-metrics';
export * from './config';
export * from './event-batch';
export * from './event-publisher';
export * from './event-validation';
export * from './http-errors';
export * from './write-key-cache';
