export * from './calendar.js';
export * from './frequency.js';
export * from './indexes.js';
export * from './partial.js';
export * from './series.js';
export * from './timestamp.js';
export { checkTimeZone, checkLocalizeOptions, localizeWall, offsetSecondsAt, type Ambiguous, type LocalizeOptions, type Nonexistent } from './timezone.js';
export * from './values.js';
