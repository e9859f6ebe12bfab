export * from './codec.js';
export * from './driver.js';
export * from './layout.js';
