// @audience/engine: segment definitions, their exact meaning, per-user state and the
// incremental matcher. Pure TypeScript with no I/O, shared by the worker, the backfill, the
// admin API and the tests. The test oracle lives in ./testing and is not exported here.
export * from './definition';
export * from './validate';
export * from './errors';
export * from './event';
export * from './normalize';
export * from './state';
export * from './state-codec';
export * from './compile';
export * from './evaluate';
export * from './transition';
export * from './matcher-index';
export { DAY_MS, dayOf, parseCalendarDay } from './dates';
