export * from './errors.js';
export * from './series/index.js';
export * from './storage/index.js';
export type * from './model/wire.js';
