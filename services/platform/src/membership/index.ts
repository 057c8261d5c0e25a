export * from './membership-change';
export * from './membership-writer';
export * from './membership-reader';
export * from './outbox';
export * from './user-updater';
