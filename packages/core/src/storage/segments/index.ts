export * from './codec.js';
export * from './driver.js';
export * from './layout.js';
export * from './memory-driver.js';
export * from './merge.js';
export * from './store.js';
