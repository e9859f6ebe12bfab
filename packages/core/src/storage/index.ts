// The backend contract's µs-keyed types (KeyRangeMicros, LoadOptions, StreamOptions, SeriesSummary) are for backend authors: `@metaseries/core/backend-kit`.
export {
  DEFAULT_CAPABILITIES, type AggregateFn, type AggregateRequest, type AsOf, type BackendCapabilities, type ReadOptions, type ReadStreamOptions,
  type StorageBackend, type StoredSeries, type StoredSummary,
} from './backend.js';
export * from './config.js';
export * from './container.js';
export * from './keys.js';
export * from './memory.js';
export * from './registry.js';
// loadKeyRange / deleteKeyRange / describeKeys (stored µs keys) are backend-kit only.
export { Storage, isStorage } from './storage.js';
export * from './discovery.js';
export * from './segments/index.js';
export { globToRegExp, retentionCutoff, type RetentionEntry, type RetentionOptions, type RetentionReport, type RetentionRule } from './retention.js';
export { DEFAULT_NOTIFIED_POLL_MS, DEFAULT_WATCH_POLL_MS, type ChangeEvent, type ChangeType, type WatchOptions } from './watch.js';
