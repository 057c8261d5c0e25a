export * from './keys';
export * from './scripts';
export * from './client';
export * from './pipeline';
