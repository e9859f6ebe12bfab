export * from './outputs.js';
export type * from './transform.js';
