import { MetaseriesError, show } from '../errors.js';
import { US_PER_MS } from '../series/calendar.js';
import { DatetimeIndex } from '../series/indexes.js';
import { Series } from '../series/series.js';
import { formatTimestamp } from '../series/timestamp.js';

/** One column of a query result: the values of one aggregation of one series (wide) or of every series (long). */
export interface QueryColumn {
  /** Wide: `<key>:<agg>`; long: `<agg>`. */
  name: string;
  /** The series (wide), or null (long: see `result.keys`). */
  key: string | null;
  agg: string;
  values: Float64Array;
}

/**
 * How each series was answered: `engine` (pushed down to the database or polars),
 * `statistics` (whole segments from their stored statistics, only cut segments decoded),
 * `js` (points read and computed in core), `rollup` (read from a stored rollup: see `result.rollups`).
 */
export type QuerySource = 'engine' | 'statistics' | 'js' | 'rollup';

export interface QueryError {
  key: string;
  code: string;
  message: string;
}

/**
 * The answer of `store.query`: a table with one row per bucket (wide) or per (series,
 * bucket) (long). Times cross the API as epoch milliseconds; `toRecords()` gives text
 * in the bucket's zone as pandas prints it.
 */
export class QueryResult {
  readonly shape: 'wide' | 'long';
  /** Bucket label of each row, epoch milliseconds. */
  readonly times: Float64Array;
  /** Long shape: the series of each row; wide: null. */
  readonly keys: readonly string[] | null;
  readonly columns: readonly QueryColumn[];
  /** Zone of the labels, when every series shares one (null: naive or mixed). */
  readonly tz: string | null;
  readonly sources: Readonly<Record<string, QuerySource>>;
  /** Series that could not be read (only with `partial: true`). */
  readonly errors: readonly QueryError[];
  /** For series answered from rollups (`sources[key] === 'rollup'`): the rollup key of each aggregation, in the query's order. */
  readonly rollups: Readonly<Record<string, readonly string[]>> = {};
  /** @internal labels in stored microseconds, for exact conversion to Series. */
  readonly labelsUs: Float64Array;

  constructor(init: {
    shape: 'wide' | 'long'; labelsUs: Float64Array; keys: string[] | null; columns: QueryColumn[]; tz: string | null;
    sources: Record<string, QuerySource>; errors: QueryError[];
  }) {
    this.shape = init.shape;
    this.labelsUs = init.labelsUs;
    this.times = init.labelsUs.map((us) => us / US_PER_MS);
    this.keys = init.keys;
    this.columns = init.columns;
    this.tz = init.tz;
    this.sources = init.sources;
    this.errors = init.errors;
  }

  /** @internal this result, saying which series were answered from which rollups. */
  withRollups(rollups: Record<string, string[]>): this {
    (this as { rollups: Readonly<Record<string, readonly string[]>> }).rollups = rollups;
    return this;
  }

  get length(): number {
    return this.times.length;
  }

  /** A column by name (`'plant/COD#1/RAW#1:mean'` wide, `'mean'` long); NOT_FOUND lists the names. */
  column(name: string): QueryColumn {
    const found = this.columns.find((c) => c.name === name);
    if (!found) throw new MetaseriesError('NOT_FOUND', `No column ${show(name)} in the query result; columns: ${this.columns.map((c) => c.name).join(', ')}`);
    return found;
  }

  /**
   * One column as a `Series` indexed by bucket label. In the long shape name the series
   * too: `toSeries('mean', 'plant/COD#1/RAW#1')`.
   */
  toSeries(column: string, key?: string): Series {
    const col = this.column(column);
    let labels = this.labelsUs, values = col.values;
    if (this.shape === 'long') {
      if (key === undefined) throw new MetaseriesError('INVALID_INPUT', 'A long query result needs the series key: toSeries(agg, key)');
      const rows = this.keys!.flatMap((k, i) => (k === key ? [i] : []));
      if (rows.length === 0) throw new MetaseriesError('NOT_FOUND', `Series ${show(key)} is not in the query result`);
      labels = Float64Array.from(rows, (i) => this.labelsUs[i]!);
      values = Float64Array.from(rows, (i) => col.values[i]!);
    }
    return new Series({ index: new DatetimeIndex(labels, { tz: this.tz }), values, name: col.name, dtype: col.agg === 'count' ? 'int64' : 'float64' });
  }

  /** Rows as plain objects: `{ time: '2024-03-10 00:00:00-05:00', [column]: value | null }` (NaN → null). */
  toRecords(): Array<Record<string, string | number | null>> {
    return Array.from(this.labelsUs, (us, i) => {
      const row: Record<string, string | number | null> = { time: formatTimestamp(us, this.tz) };
      if (this.keys) row.key = this.keys[i]!;
      for (const c of this.columns) row[c.name] = Number.isNaN(c.values[i]) ? null : c.values[i]!;
      return row;
    });
  }
}
