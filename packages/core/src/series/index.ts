export * from './calendar.js';
export * from './frequency.js';
export * from './indexes.js';
export * from './partial.js';
export * from './series.js';
export * from './timestamp.js';
export { checkTimeZone, offsetSecondsAt } from './timezone.js';
export * from './values.js';
