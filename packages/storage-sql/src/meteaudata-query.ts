import type { Buckets, IndexMetadataDict, QueryPlan, SeriesMetadata } from '@metaseries/core';
import { DatetimeIndex } from '@metaseries/core';
import {
  type KeyRangeMicros, binEdges, fixedDurationUs, formatWall, parsePandasTimestamp, resampleBins, storageOf,
} from '@metaseries/core/backend-kit';
import type { Conn, Dialect, Param, Row } from './driver.js';

/**
 * `query` pushed down to the meteaudata layout's rows (`time_series_data`, timestamps as
 * pandas text): one pass of the engine over the key's rows reduces them per *granule*
 * (a fixed slice of time, 15 minutes for calendar buckets), and core merges the granules
 * into pandas' buckets. The answer is identical (Object.is per value) to the JS engine
 * over the loaded range, or null and core computes it in JS.
 *
 * What is pushed, and why only that:
 * - count, min, max, first, last: they merge exactly across granules (as segment
 *   statistics do). NaN is stored as NULL (skipped, as pandas skips NaN). A min or max of
 *   zero is the first zero in time order, because the JS kernel keeps the first of equal
 *   values and -0 and 0 are equal in SQL.
 * - not sum/mean/std/var: pandas sums a bucket in one Kahan-compensated pass in point
 *   order; SQL's SUM/AVG and merged partial sums round differently. Not median or
 *   percentiles: SQLite has none, and merging granules cannot give them.
 * - Bins depend only on the first and last key in range, which the granules give; the
 *   edges come from core's `binEdges` (the one home of pandas' bin rules), checked against
 *   `resampleBins`, and every edge must fall on a granule boundary (UTC offsets of real
 *   zones are multiples of 15 minutes; otherwise JS answers).
 * - The text is parsed by the engine only in the two shapes our writer and Python's
 *   adapter produce (`2024-03-31 01:00:00+01:00`, optionally with six fraction digits; an
 *   offset exactly when the index has a zone). Any other text, or a NaN stored as a float
 *   (PostgreSQL) → null (the JS path then reports CORRUPT_DATA as every load does).
 * - Rows are reduced in time order whatever their stored order (first/last are checked
 *   against each granule's earliest/latest time, JS answers when they disagree); a range
 *   query, or one without buckets, over rows stored out of order is left to JS (which
 *   refuses the first and reduces the second in stored order).
 */

const T_DATA = 'time_series_data';
const PUSHED = new Set(['count', 'min', 'max', 'first', 'last']);
const US_PER_MIN = 60_000_000;
/** Calendar buckets start at local midnights, which fall on 15-minute UTC boundaries in every zone since ~1980 (Nepal: +5:45). */
const CALENDAR_GRANULE = 15 * US_PER_MIN;
/** Finer granules would return about one group per row: no faster than loading. */
const MIN_GRANULE = US_PER_MIN;
/** PostgreSQL timestamps: years 1..9999 written as text bounds (the text shape we send). */
const MIN_PG_US = -62_135_596_800_000_000;
const MAX_PG_US = 253_402_300_799_999_999;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The granule width for a plan: a divisor of the bucket width that is also a divisor of 15 minutes. */
function granuleOf(plan: QueryPlan): number | null {
  if (plan.every === null) return 24 * 60 * US_PER_MIN; // one bucket: any granule merges into it
  const fixed = fixedDurationUs(plan.every);
  const g = fixed !== null && plan.every.unit !== 'D' ? gcd(fixed, CALENDAR_GRANULE) : CALENDAR_GRANULE;
  return g >= MIN_GRANULE ? g : null;
}

/**
 * Per dialect: the row's time (`t`: µs integer on SQLite, a timestamp on PostgreSQL) —
 * NULL when the text is not of the shapes we parse —, its granule, and how a time
 * becomes µs in the output.
 */
interface DialectSql {
  time: string;
  granule(t: string, width: number): string;
  us(x: string): string;
  bound(us: number): { sql: string; param: Param };
}

/** Microseconds from 0000-01-01 to 1970-01-01 (SQLite integer text; beyond 2^53): a multiple of every granule width (they divide 15 minutes or are one day). */
const TO_YEAR_ZERO_US = '62167219200000000';

/** The text shapes we parse: `YYYY-MM-DD HH:MM:SS`, six fraction digits or none, `±HH:MM` exactly when zoned. */
function likeShapes(zoned: boolean): string {
  const base = '____-__-__ __:__:__';
  const tails = zoned ? ['+__:__', '-__:__'] : [''];
  return [base, `${base}.______`].flatMap((b) => tails.map((t) => `index_value LIKE '${b}${t}'`)).join(' OR ');
}

function dialectSql(dialect: Dialect, zoned: boolean): DialectSql {
  if (dialect === 'postgres') {
    const type = zoned ? 'timestamptz' : 'timestamp';
    return {
      // LIKE fixes length and separators (nearly free; a regular expression or translate()
      // costs more than the cast); the cast then refuses anything but digits in between
      // (SQLSTATE 22 → JS answers). Hours 24 and seconds 60, which PostgreSQL rolls over
      // and the JS parser refuses, are checked here.
      time: `CASE WHEN (${likeShapes(zoned)}) AND substr(index_value, 12, 2) < '24' AND substr(index_value, 18, 2) < '60' THEN index_value::${type} END`,
      granule: (t, width) => `date_bin(interval '${width / 1e6} seconds', ${t}, ${type} '1970-01-01 00:00:00${zoned ? '+00' : ''}')`,
      us: (x) => `(extract(epoch from ${x}) * 1000000)::bigint`,
      bound: (us) => ({ sql: `?::${type}`, param: formatWall(us, { fractionDigits: 6 }) + (zoned ? '+00:00' : '') }),
    };
  }
  const v = 'index_value';
  const frac = `substr(${v}, 20, 1) = '.'`;
  // Fixed length and separators; SQLite's date parser then reads exactly the digits at
  // those places (NULL for anything else, month 13 or minute 60). It rolls 2024-02-30 over
  // to March and accepts hour 24, which the JS parser refuses: those are checked too.
  const shape = `(${likeShapes(zoned)}) AND substr(${v}, 12, 2) < '24'`
    + ` AND (substr(${v}, 9, 2) <= '28' OR date(substr(${v}, 1, 10)) IS substr(${v}, 1, 10))`
    + ` AND (substr(${v}, 20, 1) <> '.' OR substr(${v}, 21, 6) GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]')`;
  return {
    // Whole seconds by unixepoch() (which applies the offset) plus the six fraction digits as an integer: exact µs.
    // (Without a fraction, the text goes to unixepoch() as it is: no copies on the common path.)
    time: `CASE WHEN ${shape} THEN (CASE WHEN ${frac} THEN unixepoch(substr(${v}, 1, 19) || substr(${v}, 27)) * 1000000 + CAST(substr(${v}, 21, 6) AS INTEGER)`
      + ` ELSE unixepoch(${v}) * 1000000 END) END`,
    // Floor division counted from year 0 (SQLite's `/` truncates toward zero): the granule's start in µs.
    granule: (t, width) => `((${t} + ${TO_YEAR_ZERO_US}) / ${width} * ${width} - ${TO_YEAR_ZERO_US})`,
    us: (x) => x,
    bound: (us) => ({ sql: '?', param: us }),
  };
}

const num = (v: unknown): number => (v === null || v === undefined ? Number.NaN : Number(v));

/** One granule as the engine reduced it (µs times; positions of the rows holding first/last/first zero). */
interface Granule {
  start: number;
  count: number;
  min: number;
  max: number;
  first: number;
  last: number;
  zero: number;
  tMin: number;
  tMax: number;
}

/**
 * One series of a `query` plan reduced by the engine, on one snapshot (`conn` is a read
 * transaction), or null when the plan or the stored rows are not ones this answers exactly.
 */
export async function meteaudataBuckets(conn: Conn, key: string, metadata: SeriesMetadata, columnDtype: string | null, plan: QueryPlan, range: KeyRangeMicros | undefined): Promise<Buckets | null> {
  if (!plan.aggs.every((a) => PUSHED.has(a.kernel))) return null;
  const index = metadata.index_metadata as IndexMetadataDict | null | undefined;
  if (!index || index.type !== 'DatetimeIndex') return null;
  // The JS path aggregates only float values (an int column with NaN loads as floats too; bools do not).
  const dtype = typeof metadata.values_dtype === 'string' ? metadata.values_dtype : columnDtype ?? 'float64';
  if (storageOf(dtype) !== 'number') return null;
  const granule = granuleOf(plan);
  if (granule === null) return null;
  const tz = index.time_zone ?? null;
  const zoned = tz !== null;
  const dialect = conn.dialect;
  const from = range?.from, to = range?.to;
  if (dialect === 'postgres' && [from, to].some((b) => b !== undefined && (b < MIN_PG_US || b > MAX_PG_US))) return null;
  const sql = dialectSql(dialect, zoned);
  const kernels = new Set(plan.aggs.map((a) => a.kernel));
  const extremes = kernels.has('min') || kernels.has('max');

  // Rows out of range get no granule (NULL group); a range query needs the rows in time order (JS refuses others).
  const inRange: string[] = [];
  const params: Param[] = [];
  if (from !== undefined) { const b = sql.bound(from); inRange.push(`t >= ${b.sql}`); params.push(b.param); }
  if (to !== undefined) { const b = sql.bound(to); inRange.push(`t <= ${b.sql}`); params.push(b.param); }
  // Without buckets the JS engine reduces the points in stored order (label: the first one): rows out of order go to JS too.
  const ordered = range !== undefined || plan.every === null;
  const nan = dialect === 'postgres' ? `sum(CASE WHEN value = 'NaN'::float8 THEN 1 ELSE 0 END)` : '0';
  // Keeps the engine from inlining a subquery, which would parse each row's text once per use of `t`.
  const fence = dialect === 'postgres' ? 'OFFSET 0' : 'LIMIT -1 OFFSET 0';
  const columns = [
    `${sql.us('min(t)')} AS t_min`, `${sql.us('max(t)')} AS t_max`, 'sum(CASE WHEN t IS NULL THEN 1 ELSE 0 END) AS bad', `${nan} AS nan`,
    ordered ? 'sum(CASE WHEN t < prev THEN 1 ELSE 0 END) AS inv' : '0 AS inv',
    'count(value) AS c',
    kernels.has('min') ? 'min(value) AS mn' : null,
    kernels.has('max') ? 'max(value) AS mx' : null,
    kernels.has('first') ? 'min(CASE WHEN value IS NOT NULL THEN idx END) AS fi' : null,
    kernels.has('first') ? `${sql.us('min(CASE WHEN value IS NOT NULL THEN t END)')} AS tf` : null,
    kernels.has('last') ? 'max(CASE WHEN value IS NOT NULL THEN idx END) AS li' : null,
    kernels.has('last') ? `${sql.us('max(CASE WHEN value IS NOT NULL THEN t END)')} AS tl` : null,
    extremes ? 'min(CASE WHEN value = 0 THEN idx END) AS zi' : null,
    extremes ? `${sql.us('min(CASE WHEN value = 0 THEN t END)')} AS tz` : null,
  ].filter((c): c is string => c !== null);
  // The rows holding first, last and the first zero, by primary key: their value and their text (checked in JS).
  const joins: string[] = [], picked: string[] = [];
  for (const [alias, position] of [['f', 'fi'], ['l', 'li'], ['z', 'zi']] as const) {
    if (!columns.some((c) => c.endsWith(`AS ${position}`))) continue;
    joins.push(`LEFT JOIN ${T_DATA} ${alias} ON ${alias}.key = ? AND ${alias}.idx = r.${position}`);
    picked.push(`, ${alias}.value AS ${alias}v, ${alias}.index_value AS ${alias}t`);
  }
  const inRangeSql = `t IS NOT NULL${inRange.map((c) => ` AND ${c}`).join('')}`;
  // Parse each row once (a fenced subquery), then group by granule; rows out of range or of
  // another shape fall in a NULL group that only counts them.
  // Grouped by the granule as the engine holds it (a timestamp on PostgreSQL: µs arithmetic
  // there is NUMERIC, which per row cost more than the parse); converted once per group.
  const granuleSql = `CASE WHEN ${inRangeSql} THEN ${sql.granule('t', granule)} END`;
  const parsed = `(SELECT ${sql.time} AS t, idx, value FROM ${T_DATA} WHERE key = ? ${fence}) parsed`;
  const rowsSql = ordered ? `(SELECT t, idx, value, lag(t) OVER (ORDER BY idx) AS prev FROM ${parsed} ${fence}) windowed` : parsed;
  const statement = `SELECT r.*${picked.join('')} FROM (`
    + `SELECT ${sql.us('gb')} AS g, ${columns.join(', ')} FROM (SELECT ${granuleSql} AS gb, t, idx, value${ordered ? ', prev' : ''} FROM ${rowsSql}) grouped GROUP BY gb) r ${joins.join(' ')}`;
  // Placeholders in text order: the range bounds (in the granule expression), the key, the joins' keys.
  const rows = await pgDatetimeGuard(conn, () => conn.all(statement, [...params, key, ...joins.map(() => key)]));
  if (rows === null) return null;

  let bad = 0, nanCount = 0, inversions = 0;
  const granules: Granule[] = [];
  for (const r of rows) {
    bad += num(r.bad);
    nanCount += num(r.nan);
    inversions += num(r.inv);
    if (r.g === null || r.g === undefined) continue;
    const g = readGranule(r, tz);
    if (g === null) return null;
    granules.push(g);
  }
  if (bad > 0 || nanCount > 0 || inversions > 0) return null;
  granules.sort((a, b) => a.start - b.start);
  const labelsTz = plan.tz !== null && tz !== null && plan.tz !== tz ? plan.tz : tz;
  if (granules.length === 0) return { labels: new Float64Array(0), tz: labelsTz, columns: plan.aggs.map(() => new Float64Array(0)) };
  const lo = granules[0]!.tMin, hi = granules.at(-1)!.tMax;

  let labels: Float64Array, edges: Float64Array;
  if (plan.every === null) {
    labels = Float64Array.of(lo);
    edges = Float64Array.of(lo);
  } else {
    ({ labels, edges } = binEdges(lo, hi, labelsTz, plan.every));
    for (let k = 1; k < edges.length; k++) if (edges[k]! % granule !== 0) return null;
    if (!edgesAgree(lo, hi, labelsTz, plan, labels, edges)) return null;
  }
  return { labels, tz: labelsTz, columns: mergeGranules(plan, granules, edges) };
}

/** A granule row, with its first/last/zero rows' times re-read by the JS parser (null when the engine's time disagrees). */
function readGranule(r: Row, tz: string | null): Granule | null {
  const at = (text: unknown, expected: unknown): boolean => text === null || text === undefined || parsePandasTimestamp(String(text), tz) === num(expected);
  if (!at(r.ft, r.tf) || !at(r.lt, r.tl) || !at(r.zt, r.tz)) return null;
  return {
    start: num(r.g), count: num(r.c), min: num(r.mn), max: num(r.mx),
    first: num(r.fv), last: num(r.lv), zero: num(r.zv),
    tMin: num(r.t_min), tMax: num(r.t_max),
  };
}

/** Granules (in time order) merged into the buckets starting at `edges`, with the JS kernels' rules. */
function mergeGranules(plan: QueryPlan, granules: readonly Granule[], edges: Float64Array): Float64Array[] {
  const nb = edges.length;
  const columns = plan.aggs.map((agg) => new Float64Array(nb).fill(agg.kernel === 'count' ? 0 : Number.NaN));
  let k = 0;
  for (const g of granules) {
    while (k + 1 < nb && g.start >= edges[k + 1]!) k++;
    plan.aggs.forEach((agg, a) => {
      const col = columns[a]!;
      const cur = col[k]!;
      switch (agg.kernel) {
        case 'count': col[k] = cur + g.count; break;
        // Strictly smaller (larger) only: the first of equal values stays; a zero is the granule's first zero.
        case 'min': if (g.min === g.min && (cur !== cur || g.min < cur)) col[k] = g.min === 0 ? g.zero : g.min; break;
        case 'max': if (g.max === g.max && (cur !== cur || g.max > cur)) col[k] = g.max === 0 ? g.zero : g.max; break;
        case 'first': if (cur !== cur && g.count > 0) col[k] = g.first; break;
        case 'last': if (g.count > 0) col[k] = g.last; break;
        default: break;
      }
    });
  }
  return columns;
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
