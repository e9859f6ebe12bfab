import type { Series } from '../series/series.js';
import type { KeyRangeMicros, SeriesSummary } from './backend.js';

/** Points whose index key lies in the inclusive `range` (the core's range-read fallback). */
export function sliceByKeyRange(series: Series, range: KeyRangeMicros): Series {
  if (series.index.kind === 'string') return series;
  series.requireSorted('A range read');
  const [start, end] = series.index.positionsBetween(range.from ?? -Infinity, range.to ?? Infinity, true);
  return series.slice(start, end);
}

export function summarize(key: string, series: Series): SeriesSummary {
  const index = series.index;
  const numeric = index.kind !== 'string' && series.length > 0;
  return {
    key,
    length: series.length,
    dtype: series.dtype,
    first: numeric ? (index.values[0] as number) : null,
    last: numeric ? (index.values[series.length - 1] as number) : null,
    datetime: index.kind === 'datetime',
  };
}
