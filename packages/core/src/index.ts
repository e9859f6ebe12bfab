export * from './errors.js';
export * from './model/index.js';
export * from './naming.js';
export * from './process/index.js';
export * from './series/index.js';
export * from './storage/index.js';
export * from './archive/index.js';
export * from './python-compat/index.js';
