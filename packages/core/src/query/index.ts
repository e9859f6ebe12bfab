export { aggregateSeries, bucketSeries, type Buckets } from './engine.js';
export { QueryResult, type QueryColumn, type QueryError, type QuerySource } from './result.js';
export { runQuery, storedRange, type QueryReader, type StoredRange } from './run.js';
export {
  planQuery, QUERY_AGGS, resolveAgg, resolveEvery, type QueryAgg, type QueryFill, type QueryOptions, type QueryPlan, type QueryProgress,
  type QueryRange, type ResolvedAgg, type TimeInput,
} from './spec.js';
export { rollupOf, type RollupSpec } from './rollups.js';
