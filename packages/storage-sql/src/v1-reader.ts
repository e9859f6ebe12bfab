import {
  DatetimeIndex, type Index, MetaseriesError, NumericIndex, RangeIndex, Series, type SeriesMetadata, StringIndex, type Values,
} from '@metaseries/core';
import {
  show, storageOf,
} from '@metaseries/core/backend-kit';
import type { Knex } from 'knex';
import { parseStoredJson } from './json.js';
import { sortKeys } from './layout.js';
import { T } from './schema.js';

/**
 * Reads the native layout v1 (metaseries ≤ 0.1: one row per point in
 * `metaseries_points`, one summary row per series in `metaseries_series`), only to
 * migrate it to layout v2 on open.
 */

interface IndexInfo {
  kind: Index['kind'];
  name: string | null;
  tz?: string | null;
  freq?: string | null;
  dtype?: 'int64' | 'float64';
  start?: number;
  step?: number;
  /** Keys kept as text in `label` (string index, or NaN keys), `ts` = position. */
  keysInLabel?: boolean;
}

function num(v: unknown): number {
  return v === null || v === undefined ? Number.NaN : typeof v === 'number' ? v : Number(v);
}

/** Whether `knex` holds layout v1 tables. */
export async function hasV1(knex: Knex): Promise<boolean> {
  return (await knex.schema.hasTable(T.v1Points)) && (await knex.schema.hasTable(T.v1Series));
}

export async function v1Keys(knex: Knex): Promise<string[]> {
  const rows = await knex(T.v1Series).select('key') as Array<{ key: string }>;
  return sortKeys(rows.map((r) => String(r.key)));
}

/** One v1 series with its metadata, as v1 loaded it. */
export async function readV1(knex: Knex, key: string, backend: string): Promise<{ series: Series; metadata: SeriesMetadata; savedAt: number | null }> {
  const r = await knex(T.v1Series).first('sid', 'series_name', 'dtype', 'index_json', 'sorted', 'metadata_json', 'saved_at').where('key', key) as Record<string, unknown> | undefined;
  if (!r) throw new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in the v1 tables`, { backend });
  let info: IndexInfo;
  let metadata: SeriesMetadata;
  try {
    info = JSON.parse(String(r.index_json)) as IndexInfo;
    metadata = parseStoredJson(String(r.metadata_json)) as SeriesMetadata;
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `Key ${show(key)}: v1 index or metadata JSON is damaged`, { backend, cause });
  }
  const dtype = String(r.dtype);
  const sorted = num(r.sorted) === 1 || r.sorted === true;
  const valueColumn = storageOf(dtype) === 'string' ? 'txt' : 'num';
  const rows = await knex(T.v1Points).select('ts', valueColumn, 'label').where('sid', num(r.sid))
    .orderBy(sorted || info.keysInLabel ? [{ column: 'ts' }, { column: 'n' }] : [{ column: 'n' }]) as Array<Record<string, unknown>>;
  const n = rows.length;
  let index: Index;
  if (info.kind === 'string') index = new StringIndex(rows.map((p) => String(p.label ?? '')), info.name);
  else if (info.kind === 'range') {
    const step = info.step ?? 1;
    const start = n > 0 ? num(rows[0]!.ts) : info.start ?? 0;
    index = new RangeIndex(start, start + n * step, step, info.name);
  } else {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = info.keysInLabel ? Number(rows[i]!.label) : num(rows[i]!.ts);
    index = info.kind === 'datetime'
      ? new DatetimeIndex(keys, { tz: info.tz ?? null, freq: info.freq ?? null, name: info.name })
      : new NumericIndex(keys, info.dtype ?? 'float64', info.name);
  }
  const storage = storageOf(dtype);
  let values: Values;
  if (storage === 'number') values = Float64Array.from(rows, (p) => num(p.num));
  else if (storage === 'bool') values = Uint8Array.from(rows, (p) => (num(p.num) ? 1 : 0));
  else values = rows.map((p) => (p.txt === null || p.txt === undefined ? null : String(p.txt)));
  const savedAt = Date.parse(String(r.saved_at));
  return { series: new Series({ index, values, name: (r.series_name as string | null) ?? null, dtype }), metadata, savedAt: Number.isFinite(savedAt) ? savedAt : null };
}
