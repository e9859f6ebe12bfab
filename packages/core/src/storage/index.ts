export * from './backend.js';
export * from './container.js';
export * from './keys.js';
export * from './memory.js';
export * from './registry.js';
export * from './slice.js';
export * from './storage.js';
export * from './discovery.js';
