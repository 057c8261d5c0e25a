export * from './stored-segment';
export * from './definition-store';
export * from './segment-catalog';
export * from './definition-acks';
export * from './adoption-reporter';
