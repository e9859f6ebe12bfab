import type { Buckets, IndexMetadataDict, QueryPlan, SeriesMetadata } from '@metaseries/core';
import {
  type KeyRangeMicros, binEdges, formatWall, resampleBins, storageOf,
} from '@metaseries/core/backend-kit';
import { DatetimeIndex } from '@metaseries/core';
import type { Conn, Dialect, Param } from './driver.js';

/**
 * `query` pushed down to the meteaudata layout's rows (`time_series_data`): the engine
 * groups the points of one key into the pandas bins and reduces them, and the answer is
 * identical (Object.is per value) to the JS engine over the loaded range — or null, and
 * core computes it in JS.
 *
 * What is pushed, and why only that:
 * - count, min, max, first, last: exact in any engine. NaN is stored as NULL (skipped,
 *   as pandas skips NaN); a min/max of zero takes the bucket's first zero, because the
 *   JS kernel keeps the first of equal values and -0 and 0 are equal in SQL.
 * - not sum/mean/std/var: pandas sums a bucket in one Kahan-compensated pass in point
 *   order; SQL's SUM/AVG round differently. Not median/percentiles: SQLite has none, and
 *   PostgreSQL's `percentile_cont` computes `a + f·(b − a)` in a different order for some
 *   fractions (not proven bit-identical, so not pushed).
 * - Bins depend only on the first and last key in range (one cheap query), so the edges
 *   come from core's `binEdges` (the one home of pandas' bin rules) and the engine only
 *   compares each row's time with them.
 * - The timestamps are pandas text (`2024-03-31 01:00:00+01:00`), parsed by the engine:
 *   only the two shapes our writer and Python's adapter produce (seconds, or six fraction
 *   digits; an offset exactly when the index has a zone) are pushed; any other text,
 *   a NaN stored as a float (PostgreSQL), or keys out of order → null (the JS path then
 *   decides, e.g. CORRUPT_DATA or its unsorted-range error).
 */

const T_DATA = 'time_series_data';
const PUSHED = new Set(['count', 'min', 'max', 'first', 'last']);
/** Nested CASE over the edges (SQLite calendar bins): beyond this many buckets the statement gets large; JS answers. */
const MAX_CASE_BUCKETS = 20_000;
/** PostgreSQL timestamps: years 1..9999 written as text bounds (the text shape we send). */
const MIN_PG_US = -62_135_596_800_000_000;
const MAX_PG_US = 253_402_300_799_999_999;

/** Per dialect: the row's time and whether its text has the shape we parse. */
function timeSql(dialect: Dialect, zoned: boolean): { time: string; bad: string } {
  if (dialect === 'postgres') {
    const shape = zoned
      ? String.raw`'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6}|)[+-]\d\d:\d\d$'`
      : String.raw`'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6}|)$'`;
    // The CASE keeps PostgreSQL from casting text of another shape (which would raise).
    return {
      time: `(CASE WHEN index_value ~ ${shape} THEN index_value::${zoned ? 'timestamptz' : 'timestamp'} END)`,
      bad: `NOT (index_value ~ ${shape})`,
    };
  }
  // SQLite: whole seconds by unixepoch() (which applies the +HH:MM offset), plus the six
  // fraction digits as an integer: exact microseconds, no floating point.
  const frac = `(substr(index_value, 20, 1) = '.')`;
  const time = `(unixepoch(substr(index_value, 1, 19) || substr(index_value, CASE WHEN ${frac} THEN 27 ELSE 20 END)) * 1000000`
    + ` + CASE WHEN ${frac} THEN CAST(substr(index_value, 21, 6) AS INTEGER) ELSE 0 END)`;
  const digits = (from: number, count: number): string => `(trim(substr(index_value, ${from}, ${count}), '0123456789') = '')`;
  const lengths = zoned ? '(25, 32)' : '(19, 26)';
  // unixepoch() rolls 2024-02-30 over to March: date() must give the same day back.
  const bad = `NOT (length(index_value) IN ${lengths} AND ${digits(1, 4)} AND substr(index_value, 5, 1) = '-' AND substr(index_value, 11, 1) = ' '`
    + ` AND date(substr(index_value, 1, 10)) IS substr(index_value, 1, 10) AND substr(index_value, 12, 2) < '24'`
    + ` AND ${digits(12, 2)} AND ${digits(15, 2)} AND ${digits(18, 2)} AND substr(index_value, 14, 1) = ':' AND substr(index_value, 17, 1) = ':'`
    + ` AND (length(index_value) IN (19, 25) OR (${frac} AND ${digits(21, 6)}))`
    + (zoned ? ` AND substr(index_value, -6, 1) IN ('+', '-') AND ${digits(-5, 2)} AND substr(index_value, -3, 1) = ':' AND ${digits(-2, 2)}` : '')
    + ` AND unixepoch(substr(index_value, 1, 19)) IS NOT NULL)`;
  return { time, bad };
}

/** A time bound as the engine compares it: µs for SQLite, timestamp text for PostgreSQL. */
function bound(dialect: Dialect, zoned: boolean, us: number): { sql: string; param: Param } {
  if (dialect === 'sqlite') return { sql: '?', param: us };
  return { sql: `?::${zoned ? 'timestamptz' : 'timestamp'}`, param: pgText(us, zoned) };
}

const pgText = (us: number, zoned: boolean): string => formatWall(us, { fractionDigits: 6 }) + (zoned ? '+00:00' : '');

/** The bucket of a row's time `t` given bin edges (bin k starts at edges[k]). */
function bucketSql(dialect: Dialect, t: string, edges: Float64Array, fixedWidth: number | null, zoned: boolean): { sql: string; params: Param[] } {
  const nb = edges.length;
  if (nb <= 1) return { sql: '0', params: [] };
  if (dialect === 'postgres') {
    // width_bucket over the interior edges: 0 before edges[1], k from edges[k] on (a binary search).
    const list = Array.from(edges.subarray(1), (e) => `"${pgText(e, zoned)}"`).join(',');
    return { sql: `width_bucket(${t}, ?::${zoned ? 'timestamptz' : 'timestamp'}[])`, params: [`{${list}}`] };
  }
  // Integers we computed, inlined: bound JS numbers may arrive as REAL and divide as floats.
  if (fixedWidth !== null) return { sql: `((${t} - ${edges[0]!}) / ${fixedWidth})`, params: [] };
  // Calendar bins: a balanced CASE over the edges (log2(nb) comparisons per row), integers inlined.
  const search = (lo: number, hi: number): string => {
    if (hi - lo === 1) return String(lo);
    const mid = (lo + hi) >> 1;
    return `(CASE WHEN ${t} < ${edges[mid]!} THEN ${search(lo, mid)} ELSE ${search(mid, hi)} END)`;
  };
  return { sql: search(0, nb), params: [] };
}

/** Whether `edges` are exactly where `resampleBins` starts each bin (a check of the zone's midnights, O(buckets)). */
function edgesAgree(lo: number, hi: number, tz: string | null, plan: QueryPlan, labels: Float64Array, edges: Float64Array): boolean {
  const nb = edges.length;
  const probe = new Float64Array(2 * nb);
  probe[0] = lo;
  for (let k = 1; k < nb; k++) {
    probe[2 * k - 1] = edges[k]! - 1;
    probe[2 * k] = edges[k]!;
  }
  probe[2 * nb - 1] = hi;
  for (let i = 1; i < probe.length; i++) if (!(probe[i]! >= probe[i - 1]!)) return false;
  const bins = resampleBins(new DatetimeIndex(probe, { tz }), plan.every!);
  if (bins.labels.length !== nb) return false;
  for (let k = 0; k < nb; k++) if (!Object.is(bins.labels[k], labels[k])) return false;
  for (let k = 1; k < nb; k++) if (bins.starts[k] !== 2 * k) return false;
  return true;
}

const num = (v: unknown): number => (v === null || v === undefined ? Number.NaN : Number(v));

/**
 * One series of a `query` plan grouped and reduced by the engine, on one snapshot (`conn`
 * is a read transaction), or null when the plan or the stored rows are not ones this
 * answers exactly.
 */
export async function meteaudataBuckets(conn: Conn, key: string, metadata: SeriesMetadata, columnDtype: string | null, plan: QueryPlan, range: KeyRangeMicros | undefined): Promise<Buckets | null> {
  if (!plan.aggs.every((a) => PUSHED.has(a.kernel))) return null;
  const index = metadata.index_metadata as IndexMetadataDict | null | undefined;
  if (!index || index.type !== 'DatetimeIndex') return null;
  // The JS path aggregates only float values (an int column with NaN loads as floats too; bools do not).
  const dtype = typeof metadata.values_dtype === 'string' ? metadata.values_dtype : columnDtype ?? 'float64';
  if (storageOf(dtype) !== 'number') return null;
  const tz = index.time_zone ?? null;
  const zoned = tz !== null;
  const dialect = conn.dialect;
  const from = range?.from, to = range?.to;
  if (dialect === 'postgres' && [from, to].some((b) => b !== undefined && (b < MIN_PG_US || b > MAX_PG_US))) return null;
  const { time, bad } = timeSql(dialect, zoned);
  // Keeps the engine from inlining a subquery, which would parse each row's text once per use of `t`.
  const fence = dialect === 'postgres' ? 'OFFSET 0' : 'LIMIT -1 OFFSET 0';

  // 1. The first and last key in range, and whether every row is one we can answer for.
  const inRange: string[] = [];
  const rangeParams: Param[] = [];
  if (from !== undefined) { const b = bound(dialect, zoned, from); inRange.push(`t >= ${b.sql}`); rangeParams.push(b.param); }
  if (to !== undefined) { const b = bound(dialect, zoned, to); inRange.push(`t <= ${b.sql}`); rangeParams.push(b.param); }
  const within = inRange.length ? inRange.join(' AND ') : '1=1';
  const asUs = (x: string): string => (dialect === 'postgres' ? `(extract(epoch from ${x}) * 1000000)::bigint` : x);
  const nan = dialect === 'postgres' ? `sum(CASE WHEN value = 'NaN'::float8 THEN 1 ELSE 0 END)` : '0';
  const heads = await pgDatetimeGuard(conn, () => conn.all(
    `SELECT sum(CASE WHEN bad THEN 1 ELSE 0 END) AS bad, sum(CASE WHEN t < prev THEN 1 ELSE 0 END) AS unsorted, ${nan} AS nan,`
    + ` ${asUs(`min(CASE WHEN ${within} THEN t END)`)} AS lo, ${asUs(`max(CASE WHEN ${within} THEN t END)`)} AS hi`
    + ` FROM (SELECT t, lag(t) OVER (ORDER BY idx) AS prev, bad, value FROM (SELECT ${time} AS t, idx, ${bad} AS bad, value FROM ${T_DATA} WHERE key = ? ${fence}) parsed) rows_of_key`,
    // Placeholders in text order: the range bounds appear twice (lo and hi), the key last.
    [...rangeParams, ...rangeParams, key],
  ));
  const head = heads?.[0];
  if (!head || num(head.bad) > 0 || num(head.unsorted) > 0 || num(head.nan) > 0) return null;
  const labelsTz = plan.tz !== null && tz !== null && plan.tz !== tz ? plan.tz : tz;
  if (head.lo === null || head.lo === undefined) {
    return { labels: new Float64Array(0), tz: labelsTz, columns: plan.aggs.map(() => new Float64Array(0)) };
  }
  const lo = Number(head.lo), hi = Number(head.hi);

  // 2. Bin edges from the first and last key (pandas' rules, in core), checked against resampleBins.
  let labels: Float64Array, edges: Float64Array, fixed: number | null = null;
  if (plan.every === null) {
    labels = Float64Array.of(lo);
    edges = Float64Array.of(lo);
  } else {
    ({ labels, edges } = binEdges(lo, hi, labelsTz, plan.every));
    if (labels.length > 1 && isFixed(edges)) fixed = edges[1]! - edges[0]!;
    if (dialect === 'sqlite' && fixed === null && edges.length > MAX_CASE_BUCKETS) return null;
    if (!edgesAgree(lo, hi, labelsTz, plan, labels, edges)) return null;
  }

  // 3. Group rows by bucket; first/last (and the first zero, for min/max ties of -0 and 0) are
  // positions, looked up by primary key afterwards in the same statement.
  const kernels = new Set(plan.aggs.map((a) => a.kernel));
  const bucket = bucketSql(dialect, 't', edges, fixed, zoned);
  const loB = bound(dialect, zoned, lo), hiB = bound(dialect, zoned, hi);
  const extremes = kernels.has('min') || kernels.has('max');
  const select = [
    'b', 'count(value) AS c',
    kernels.has('min') ? 'min(value) AS mn' : null,
    kernels.has('max') ? 'max(value) AS mx' : null,
    kernels.has('first') ? 'min(CASE WHEN value IS NOT NULL THEN idx END) AS fi' : null,
    kernels.has('last') ? 'max(CASE WHEN value IS NOT NULL THEN idx END) AS li' : null,
    extremes ? 'min(CASE WHEN value = 0 THEN idx END) AS zi' : null,
  ].filter((s): s is string => s !== null);
  const joins: string[] = [], joined: string[] = [], joinParams: Param[] = [];
  for (const [alias, position] of [['f', 'fi'], ['l', 'li'], ['z', 'zi']] as const) {
    if (!select.some((s) => s.endsWith(`AS ${position}`))) continue;
    joins.push(`LEFT JOIN ${T_DATA} ${alias} ON ${alias}.key = ? AND ${alias}.idx = g.${position}`);
    joined.push(`${alias}.value AS ${alias}v`);
    joinParams.push(key);
  }
  const rows = await pgDatetimeGuard(conn, () => conn.all(
    `SELECT g.*${joined.map((j) => `, ${j}`).join('')} FROM (`
    + `SELECT ${select.join(', ')} FROM (SELECT ${bucket.sql} AS b, idx, value FROM (SELECT ${time} AS t, idx, value FROM ${T_DATA} WHERE key = ? ${fence}) rows_of_key`
    + ` WHERE t >= ${loB.sql} AND t <= ${hiB.sql} ${fence}) bucketed GROUP BY b) g ${joins.join(' ')} ORDER BY g.b`,
    // Placeholders in text order: the bucket's, the key, the bounds, then the joins' keys.
    [...bucket.params, key, loB.param, hiB.param, ...joinParams],
  ));
  if (rows === null) return null;

  const nb = labels.length;
  const columns = plan.aggs.map((agg) => new Float64Array(nb).fill(agg.kernel === 'count' ? 0 : Number.NaN));
  for (const r of rows) {
    const k = Number(r.b);
    if (!(k >= 0 && k < nb)) return null; // cannot happen with edges from lo..hi; never guess
    plan.aggs.forEach((agg, a) => {
      const col = columns[a]!;
      switch (agg.kernel) {
        case 'count': col[k] = num(r.c); break;
        case 'min': col[k] = zeroFirst(num(r.mn), r.zv); break;
        case 'max': col[k] = zeroFirst(num(r.mx), r.zv); break;
        case 'first': col[k] = num(r.fv); break;
        case 'last': col[k] = num(r.lv); break;
        default: break;
      }
    });
  }
  return { labels, tz: labelsTz, columns };
}

/**
 * Text of the right shape that PostgreSQL still refuses as a time (`2024-02-30 …`, SQLSTATE
 * class 22): null, so the JS path reports it as every load does (CORRUPT_DATA naming the key).
 */
async function pgDatetimeGuard<T>(conn: Conn, body: () => Promise<T>): Promise<T | null> {
  try {
    return await body();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (conn.dialect === 'postgres' && typeof code === 'string' && code.startsWith('22')) return null;
    throw e;
  }
}

/** A min or max of zero is the bucket's first zero (its sign as stored), as the JS kernel keeps the first of ties. */
const zeroFirst = (v: number, firstZero: unknown): number => (v === 0 ? num(firstZero) : v);

/** Equal steps between all edges (tick bins): the bucket is arithmetic. */
function isFixed(edges: Float64Array): boolean {
  const w = edges[1]! - edges[0]!;
  for (let k = 2; k < edges.length; k++) if (edges[k]! - edges[k - 1]! !== w) return false;
  return true;
}
