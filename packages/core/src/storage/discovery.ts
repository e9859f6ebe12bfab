import { invalidInput, MetaseriesError, show } from '../errors.js';
import type { DataProvenanceDict, SeriesMetadata } from '../wire.js';
import type { QueryRange } from '../query/spec.js';
import { fromIndexKey, toMicros } from '../series/timestamp.js';
import type { CatalogRecord, HeadSummary, VersionRecord } from './segments/driver.js';

/**
 * Discovery (issue 13): find datasets, signals and series by provenance, units and
 * time, from catalog records and series summaries — never by loading values.
 * A store answers from one read of its catalog and one of its series heads where the
 * backend keeps them (`DiscoverySource`); older layouts fall back to listing keys.
 */

/** One stored series as discovery sees it: a summary, its index and its processing steps. */
export type SeriesHead = HeadSummary;

/** The discovery head of a series from its full metadata. */
export function headOf(summary: { key: string; length: number; dtype: string; first: number | null; last: number | null }, metadata: SeriesMetadata): SeriesHead {
  const steps = Array.isArray(metadata.processing_steps) ? metadata.processing_steps : [];
  return {
    ...summary, indexType: metadata.index_metadata?.type ?? null, timeZone: metadata.index_metadata?.time_zone ?? null,
    steps: steps.length, lastStep: steps[steps.length - 1] ?? null,
  };
}

/** What discovery shows of a live head, from its version record (null for a tombstone or a record without metadata). */
export function headOfRecord(key: string, record: VersionRecord): SeriesHead | null {
  if (record.tombstone || !record.metadata) return null;
  const keyed = record.layout.keyed === true;
  return headOf({ key, length: record.length, dtype: String(record.layout.dtype), first: keyed ? record.first : null, last: keyed ? record.last : null }, record.metadata);
}

/** What discovery reads. `Storage` supplies it from the backend's catalog and heads. */
export interface DiscoverySource {
  catalog(prefix: string): Promise<CatalogRecord[]>;
  heads(prefix: string): Promise<SeriesHead[]>;
}

/** A filter value: the exact text, one of a list, or a prefix. */
export type FieldFilter = string | readonly string[] | { prefix: string };

/** Fields a `where` filter can name: the provenance fields, the signal's units and name. */
export const WHERE_FIELDS = ['source_repository', 'project', 'location', 'equipment', 'parameter', 'purpose', 'metadata_id', 'units', 'signal'] as const;
export type WhereField = (typeof WHERE_FIELDS)[number];

export interface DiscoveryFilters {
  /** Only this dataset (or one of these, or a prefix). */
  dataset?: FieldFilter;
  where?: Partial<Record<WhereField, FieldFilter>>;
  /** Keep only what has data in the range (from the series' first/last; `to` exclusive). */
  range?: QueryRange;
}

export interface LastStep {
  type: string;
  function: string;
  version: string;
  runDatetime: string;
}

export interface SeriesInfo {
  key: string;
  dataset: string;
  signal: string;
  /** The meteaudata series name: `CODs#1_RESAMPLED#2`. */
  name: string;
  length: number;
  dtype: string;
  indexKind: 'datetime' | 'other';
  /** A `Date` for a datetime index (naive: the UTC wall clock), the index value otherwise; null when empty. */
  first: Date | number | null;
  last: Date | number | null;
  units: string | null;
  lastStep: LastStep | null;
  steps: number;
}

export interface SignalInfo {
  dataset: string;
  name: string;
  units: string | null;
  provenance: DataProvenanceDict | null;
  series: SeriesInfo[];
}

export interface DatasetInfo {
  name: string;
  description: string | null;
  owner: string | null;
  project: string | null;
  purpose: string | null;
  createdOn: string | null;
  lastUpdated: string | null;
  signals: number;
  series: number;
}

type Rec = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function checkFilter(name: string, f: unknown): void {
  const ok = typeof f === 'string'
    || (Array.isArray(f) && f.every((x) => typeof x === 'string'))
    || (f !== null && typeof f === 'object' && !Array.isArray(f) && typeof (f as { prefix?: unknown }).prefix === 'string' && Object.keys(f).length === 1);
  if (!ok) throw invalidInput(`Filter ${show(name)} must be a string, a list of strings or { prefix: string }, got ${show(f)}`);
}

function matches(value: string | null, f: FieldFilter | undefined): boolean {
  if (f === undefined) return true;
  if (value === null) return false;
  if (typeof f === 'string') return value === f;
  if (Array.isArray(f)) return f.includes(value);
  return value.startsWith((f as { prefix: string }).prefix);
}

/** Validate filters once, before reading: unknown fields are INVALID_INPUT listing the valid ones. */
export function checkFilters(filters: DiscoveryFilters | undefined): DiscoveryFilters {
  const f = filters ?? {};
  if (typeof f !== 'object') throw invalidInput(`Discovery filters must be an object, got ${show(f)}`);
  for (const name of Object.keys(f)) {
    if (!['dataset', 'where', 'range'].includes(name)) throw invalidInput(`Unknown discovery option ${show(name)}; valid: dataset, where, range`);
  }
  if (f.dataset !== undefined) checkFilter('dataset', f.dataset);
  for (const [name, value] of Object.entries(f.where ?? {})) {
    if (!(WHERE_FIELDS as readonly string[]).includes(name)) {
      throw invalidInput(`Unknown filter field ${show(name)}; valid fields: ${WHERE_FIELDS.join(', ')}`);
    }
    checkFilter(name, value);
  }
  if (f.range) {
    const { from, to } = f.range;
    if (from !== undefined && to !== undefined && toMicros(to, 'UTC') <= toMicros(from, 'UTC')) {
      throw invalidInput(`Discovery range ends (${show(to)}) before it starts (${show(from)})`);
    }
  }
  return f;
}

/** Dataset records (also datasets that have series but no catalog record, as Python writes them). */
export async function discoverDatasets(source: DiscoverySource): Promise<DatasetInfo[]> {
  const [catalog, heads] = await Promise.all([source.catalog(''), source.heads('')]);
  const byName = new Map<string, DatasetInfo>();
  const ensure = (name: string): DatasetInfo => {
    let d = byName.get(name);
    if (!d) {
      d = { name, description: null, owner: null, project: null, purpose: null, createdOn: null, lastUpdated: null, signals: 0, series: 0 };
      byName.set(name, d);
    }
    return d;
  };
  for (const c of catalog) {
    if (c.kind !== 'dataset' || !c.record) continue;
    const r = c.record as Rec;
    Object.assign(ensure(c.name), {
      description: str(r.description), owner: str(r.owner), project: str(r.project), purpose: str(r.purpose),
      createdOn: str(r.created_on), lastUpdated: str(r.last_updated),
    });
  }
  const signals = new Set<string>();
  for (const h of heads) {
    const [ds, sig] = h.key.split('/');
    const d = ensure(ds!);
    d.series++;
    if (!signals.has(`${ds}/${sig}`)) {
      signals.add(`${ds}/${sig}`);
      d.signals++;
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function seriesInfo(h: SeriesHead, units: string | null): SeriesInfo {
  const [dataset, signal, part] = h.key.split('/') as [string, string, string];
  const last = h.lastStep;
  const datetime = h.indexType === 'DatetimeIndex';
  const toTime = (v: number | null): Date | number | null => (v === null ? null : fromIndexKey(v, datetime));
  return {
    key: h.key, dataset, signal, name: `${signal}_${part}`, length: h.length, dtype: h.dtype,
    indexKind: datetime ? 'datetime' : 'other', first: toTime(h.first), last: toTime(h.last), units,
    lastStep: last ? { type: last.type, function: last.function_info?.name ?? '', version: last.function_info?.version ?? '', runDatetime: last.run_datetime } : null,
    steps: h.steps,
  };
}

/** Whether a head has data in `range`: its bounds in each zone's stored units, converted once per zone. */
function rangeTest(range: QueryRange | undefined): (h: SeriesHead) => boolean {
  if (!range) return () => true;
  const bounds = new Map<string | null, { from: number; to: number }>();
  return (h) => {
    if (h.first === null || h.last === null || h.indexType !== 'DatetimeIndex') return false;
    let b = bounds.get(h.timeZone);
    if (!b) {
      b = { from: range.from === undefined ? -Infinity : toMicros(range.from, h.timeZone), to: range.to === undefined ? Infinity : toMicros(range.to, h.timeZone) };
      bounds.set(h.timeZone, b);
    }
    return h.last >= b.from && h.first < b.to;
  };
}

/** Signals matching the filters, each with the summaries of its (matching) series. */
export async function discoverSignals(source: DiscoverySource, filters?: DiscoveryFilters): Promise<SignalInfo[]> {
  const f = checkFilters(filters);
  const prefix = typeof f.dataset === 'string' ? `${f.dataset}/` : '';
  const [catalog, heads] = await Promise.all([source.catalog(prefix), source.heads(prefix)]);
  const records = new Map<string, Rec>();
  for (const c of catalog) if (c.kind === 'signal' && c.record) records.set(c.name, c.record as Rec);
  const out = new Map<string, SignalInfo>();
  const where = Object.entries(f.where ?? {}) as Array<[WhereField, FieldFilter]>;
  const inRange = rangeTest(f.range);
  // A signal's record is matched once, not once per series.
  const admitted = new Map<string, boolean>();
  for (const h of heads) {
    const [ds, sig] = h.key.split('/') as [string, string];
    const id = `${ds}/${sig}`;
    const rec = records.get(id);
    const provenance = (rec?.provenance ?? null) as DataProvenanceDict | null;
    const units = str(rec?.units);
    let ok = admitted.get(id);
    if (ok === undefined) {
      ok = matches(ds, f.dataset);
      for (const [field, filter] of where) {
        if (!ok) break;
        ok = matches(field === 'units' ? units : field === 'signal' ? sig : str(provenance?.[field]), filter);
      }
      admitted.set(id, ok);
    }
    if (!ok || !inRange(h)) continue;
    let s = out.get(id);
    // A copy: the records may be kept for the next call (Storage's discovery cache).
    if (!s) out.set(id, (s = { dataset: ds, name: sig, units, provenance: provenance ? { ...provenance } : null, series: [] }));
    s.series.push(seriesInfo(h, units));
  }
  return [...out.values()];
}

/** Series matching the filters (the signals' filters apply to the series' signal). */
export async function discoverSeries(source: DiscoverySource, filters?: DiscoveryFilters): Promise<SeriesInfo[]> {
  return (await discoverSignals(source, filters)).flatMap((s) => s.series);
}

/** A catalog record that is not the shape we wrote is damage, named by key. */
export function corruptCatalog(key: string, backend: string): MetaseriesError {
  return new MetaseriesError('CORRUPT_DATA', `Catalog record ${show(key)} is not a metaseries catalog`, { backend });
}
