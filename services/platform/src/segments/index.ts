export * from './stored-segment';
export * from './definition-store';
export * from './segment-catalog';
