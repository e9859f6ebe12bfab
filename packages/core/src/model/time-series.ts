import { MetaseriesError, invalidInput, show } from '../errors.js';
import { labelPeriod } from '../series/partial.js';
import type { Series } from '../series/series.js';
import { fromIndexKey, type TimeInput, toIndexKey } from '../series/timestamp.js';
import type { AggregateRequest, AsOf, KeyRangeMicros } from '../storage/backend.js';
import { SeriesContainer } from '../storage/container.js';
import type { Storage } from '../storage/storage.js';
import { nowIso, toIso } from './datetime.js';
import { IndexMetadata } from './index-metadata.js';
import { ProcessingStep } from './processing-step.js';
import type { SeriesMetadata } from '../wire.js';

/** How many points a series has and its first/last key: `Date`s for a datetime index (naive: the UTC wall clock), index values otherwise. */
export interface TimeExtent {
  length: number;
  first: Date | number | null;
  last: Date | number | null;
}

export interface TimeSeriesInit {
  series: Series;
  processingSteps?: readonly ProcessingStep[];
  metadataId?: string | null;
  createdOn?: string | Date;
}

/**
 * One version of a signal's data plus the full history of steps that made it
 * (meteaudata's `TimeSeries`). Metadata is always in memory; values may live in a
 * backend and are loaded on first use (`await ts.load()`).
 */
export class TimeSeries {
  readonly processingSteps: readonly ProcessingStep[];
  readonly indexMetadata: IndexMetadata;
  readonly valuesDtype: string;
  metadataId: string | null;
  readonly createdOn: string;
  /** Extra keys found in stored metadata (kept so a round trip loses nothing). */
  readonly extraMetadata: Readonly<Record<string, unknown>>;
  private name_: string | null;
  private readonly container: SeriesContainer;
  /** Storages this exact version has been written to (auto-save writes only what changed). */
  private savedTo = new WeakSet<Storage>();

  constructor(init: TimeSeriesInit) {
    if (!init || !init.series || typeof init.series.length !== 'number' || !('index' in init.series)) {
      throw invalidInput(`TimeSeries needs a Series, got ${show(init?.series)}`);
    }
    const steps = init.processingSteps ?? [];
    for (const [i, s] of steps.entries()) if (!(s instanceof ProcessingStep)) throw invalidInput(`processingSteps[${i}] is not a ProcessingStep`);
    this.processingSteps = Object.freeze([...steps]);
    this.indexMetadata = IndexMetadata.fromIndex(init.series.index);
    this.valuesDtype = init.series.dtype;
    this.metadataId = init.metadataId ?? null;
    this.createdOn = init.createdOn === undefined ? nowIso() : toIso(init.createdOn, 'created_on');
    this.extraMetadata = {};
    this.name_ = init.series.name;
    this.container = new SeriesContainer(init.series);
  }

  /**
   * A TimeSeries whose values stay in `storage` until used; `metadata` is the stored
   * metadata dict (as Python writes it, read leniently).
   */
  static fromMetadata(name: string, metadata: SeriesMetadata, storage: Storage, key: string, asOf?: AsOf): TimeSeries {
    const ts = Object.create(TimeSeries.prototype) as TimeSeries;
    TimeSeries.hydrate(ts, name, metadata, SeriesContainer.stored(storage, key, asOf));
    if (asOf === undefined) ts.savedTo.add(storage);
    return ts;
  }

  /** A TimeSeries from loaded values and their stored metadata. */
  static fromStored(series: Series, metadata: SeriesMetadata): TimeSeries {
    const ts = Object.create(TimeSeries.prototype) as TimeSeries;
    TimeSeries.hydrate(ts, series.name ?? '', metadata, new SeriesContainer(series));
    return ts;
  }

  private static hydrate(ts: TimeSeries, name: string, metadata: SeriesMetadata, container: SeriesContainer): void {
    if (!metadata || typeof metadata !== 'object') throw new MetaseriesError('CORRUPT_DATA', `Metadata of ${show(name)} is not a mapping`);
    const { processing_steps, index_metadata, values_dtype, metadata_id, created_on, ...extra } = metadata;
    const fields = ts as unknown as Record<string, unknown>;
    try {
      fields.processingSteps = Object.freeze((processing_steps ?? []).map((d) => ProcessingStep.fromDict(d)));
      fields.indexMetadata = index_metadata ? IndexMetadata.fromDict(index_metadata) : IndexMetadata.fromIndex(container.peek()!.index);
    } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Metadata of ${show(name)} is invalid: ${(cause as Error).message}`, { cause });
    }
    fields.valuesDtype = values_dtype ?? container.peek()?.dtype ?? 'float64';
    fields.metadataId = metadata_id ?? null;
    fields.createdOn = typeof created_on === 'string' ? created_on : nowIso();
    fields.extraMetadata = Object.freeze(extra);
    fields.name_ = name;
    fields.container = container;
    fields.savedTo = new WeakSet();
  }

  /** Full name (`CODs#1_RAW#1`). */
  get name(): string {
    return this.name_ ?? '';
  }

  /** Renamed by its signal; the values' name follows. */
  setName(name: string): void {
    this.name_ = name;
    const s = this.container.peek();
    if (s && s.name !== name) this.container.set(s.rename(name));
  }

  get isLoaded(): boolean {
    return this.container.isLoaded;
  }

  /** The values (sync). Throws if they were unloaded: call `await ts.load()` first. */
  get series(): Series {
    const s = this.container.peek();
    if (!s) throw new MetaseriesError('INVALID_INPUT', `Values of ${show(this.name)} are not loaded; call "await ts.load()" first`);
    return s.name === this.name_ ? s : s.rename(this.name_);
  }

  /** Load the values if needed and return them. */
  async load(): Promise<Series> {
    const s = await this.container.get();
    return s.name === this.name_ ? s : s.rename(this.name_);
  }

  /** Drop the values from memory (they must be saved in a backend). */
  unload(): void {
    this.container.unload();
  }

  /**
   * Points between `from` and `to` (inclusive) — a view when loaded, a pushed-down range
   * read from the backend otherwise. For a datetime index: a `Date`, epoch milliseconds
   * or ISO text, where text may be a pandas partial period (`'2024-03-01'` as `to` ends
   * with that day, `'2024-03'` with that month); a naive series reads Dates and numbers as
   * UTC wall clock. For a numeric or range index: index values. `null` leaves a side open.
   *
   * @example const firstWeek = await ts.loadRange('2024-03-01', '2024-03-07');
   */
  async loadRange(from: TimeInput | null, to: TimeInput | null): Promise<Series> {
    const range: KeyRangeMicros = {};
    const index = { datetime: this.indexMetadata.type === 'DatetimeIndex', tz: this.indexMetadata.zone };
    // Text keeps pandas' partial-period reading; everything else is the one boundary conversion.
    const key = (value: TimeInput, side: 0 | 1): number =>
      index.datetime && typeof value === 'string' ? labelPeriod(value, index.tz)[side] : toIndexKey(value, index, side === 0 ? 'range start' : 'range end');
    if (from !== null && from !== undefined) range.from = key(from, 0);
    if (to !== null && to !== undefined) range.to = key(to, 1);
    if (range.from !== undefined && range.to !== undefined && range.to < range.from) {
      throw invalidInput(`Range ends (${show(to)}) before it starts (${show(from)})`);
    }
    const s = await this.container.loadRange(range);
    return s.rename(this.name_);
  }

  /**
   * Aggregates of the values per bucket of `every` (a pandas frequency) over `range`
   * (inclusive; Dates, ISO text or epoch ms) — in memory when loaded, else computed by
   * the store without loading the series (pushed down where the backend can).
   * @example const daily = await ts.aggregate({ fn: 'max', every: '1D' })
   */
  async aggregate(request: AggregateRequest): Promise<Series> {
    return (await this.container.aggregate(request)).rename(this.name_);
  }

  /** Number of points and first/last index key (a `Date` for a datetime index, else the index value), without loading stored values. */
  async extent(): Promise<TimeExtent> {
    const { length, first, last } = await this.container.summary();
    const datetime = this.indexMetadata.type === 'DatetimeIndex';
    return { length, first: first === null ? null : fromIndexKey(first, datetime), last: last === null ? null : fromIndexKey(last, datetime) };
  }

  /** meteaudata's `metadata_dict()`: what backends store next to the values. */
  metadataDict(): SeriesMetadata {
    return {
      ...structuredClone(this.extraMetadata),
      processing_steps: this.processingSteps.map((s) => s.toDict()),
      index_metadata: this.indexMetadata.toDict(),
      values_dtype: this.valuesDtype,
      metadata_id: this.metadataId,
      created_on: this.createdOn,
    };
  }

  /** @internal the values changed in memory: no store holds this version any more. */
  markChanged(): void {
    this.savedTo = new WeakSet();
  }

  /** @internal used by Signal/Dataset storage code. */
  storageState(): { container: SeriesContainer; savedTo: WeakSet<Storage> } {
    return { container: this.container, savedTo: this.savedTo };
  }

  /** @internal Lineage rewrite after a rename: same values, steps with mapped input names. */
  replaceSteps(steps: readonly ProcessingStep[]): void {
    (this as { processingSteps: readonly ProcessingStep[] }).processingSteps = Object.freeze([...steps]);
  }

  /**
   * Equality as meteaudata defines it (dtype, values with NaN = NaN, index metadata,
   * steps) plus exact index keys, which Python forgets to compare. Both must be loaded.
   */
  equals(other: TimeSeries): boolean {
    if (this.valuesDtype !== other.valuesDtype || !this.indexMetadata.equals(other.indexMetadata)) return false;
    if (this.processingSteps.length !== other.processingSteps.length) return false;
    if (!this.processingSteps.every((s, i) => s.equals(other.processingSteps[i]!))) return false;
    return this.series.rename(null).equals(other.series.rename(null));
  }

  toString(): string {
    return this.name;
  }
}
