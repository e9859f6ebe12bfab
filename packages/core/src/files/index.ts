export * from './commit.js';
export * from './names.js';
