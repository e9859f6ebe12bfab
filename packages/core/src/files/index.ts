export * from './commit.js';
export * from './names.js';
export * from './segment-driver.js';
