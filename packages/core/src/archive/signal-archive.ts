import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MetaseriesError, invalidInput, show } from '../errors.js';
import { DataProvenance } from '../model/provenance.js';
import { IndexMetadata } from '../model/index-metadata.js';
import { Signal } from '../model/signal.js';
import { TimeSeries } from '../model/time-series.js';
import type { SeriesMetadata } from '../model/wire.js';
import { formatFrequency, formatWall, parseFrequency, parseTimestampText, Series } from '../series/index.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { type KeyKind, parseSeriesCsv } from './csv-read.js';
import { type HeaderName, seriesToCsvBuffer } from './csv-write.js';
import { type OutputValueNames, resolveValueHeaders } from './headers.js';
import { type ArchiveSource, openArchive, utf8 } from './source.js';
import { dumpYaml } from '../python-compat/yaml-dump.js';
import { parseArchiveYaml } from '../python-compat/yaml-load.js';
import { zipToBuffer } from './zip.js';

export interface ArchiveWriteOptions {
  /** CSV separator (default `,`). metaseries reads any of `,` `;` tab `|` back; Python only `,`. */
  separator?: string;
  /** Header of the index column: a name, or a tuple (array) for a multi-row header. */
  outputIndexName?: HeaderName | null;
  /** Headers of the value columns; see OutputValueNames. */
  outputValueNames?: OutputValueNames | null;
}

export interface SignalSaveOptions extends ArchiveWriteOptions {
  /** Write `<dir>/<signal>.zip` (default) or the metadata file and data folder into `<dir>`. */
  zip?: boolean;
  /** Deflate level of the zip (1 fastest … 9 smallest; default 1: Python reads any level). */
  compressionLevel?: number;
}

const STRICT_LAST_UPDATED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,6}$/;

/**
 * `last_updated` in the one spelling Python's strict parser (`%Y-%m-%dT%H:%M:%S.%f`)
 * accepts: naive, with microseconds. Offsets are converted to UTC wall time.
 */
export function strictIso(text: string): string {
  if (STRICT_LAST_UPDATED.test(text)) return text;
  const p = parseTimestampText(text.trim());
  if (!p) return text;
  return formatWall(p.wallUs - (p.offsetS ?? 0) * 1_000_000, { separator: 'T', fractionDigits: 6 });
}

/** The signal's metadata mapping as meteaudata writes it (`Signal.metadata_dict()`). */
export function signalMetadataDict(signal: Signal): Record<string, unknown> {
  const timeSeries: Record<string, SeriesMetadata> = {};
  for (const [name, ts] of signal.timeSeries) timeSeries[name] = ts.metadataDict();
  return {
    created_on: signal.createdOn,
    last_updated: strictIso(signal.lastUpdated),
    name: signal.name,
    provenance: signal.provenance.toDict(),
    time_series: timeSeries,
    units: signal.units,
  };
}

function checkFileName(name: string, what: string): void {
  if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..' || name.includes('\0')) {
    throw invalidInput(`${what} ${show(name)} cannot be used as a file name in an archive`);
  }
}

/**
 * The files of one signal, relative to the archive root (under `prefix/` for a dataset):
 * `<signal>_metadata.yaml` and `<signal>_data/<ts>.csv`.
 */
export async function signalFiles(signal: Signal, options: ArchiveWriteOptions, prefix = ''): Promise<Map<string, Buffer>> {
  checkFileName(signal.name, 'Signal name');
  const separator = options.separator ?? ',';
  if (separator.length !== 1 || separator === '"' || separator === '\n' || separator === '\r') throw invalidInput(`CSV separator must be one character other than a quote or line break, got ${show(separator)}`);
  const headers = resolveValueHeaders(signal.allTimeSeries, signal.units, options.outputValueNames);
  const files = new Map<string, Buffer>();
  files.set(`${prefix}${signal.name}_metadata.yaml`, Buffer.from(dumpYaml(signalMetadataDict(signal)), 'utf8'));
  for (const [name, ts] of signal.timeSeries) {
    checkFileName(name, 'Time series name');
    const series = await ts.load();
    const csv = seriesToCsvBuffer(series.rename(name), { separator, indexHeader: options.outputIndexName ?? null, valueHeader: headers.get(name) ?? null });
    files.set(`${prefix}${signal.name}_data/${name}.csv`, csv);
  }
  return files;
}

/**
 * Save a signal as meteaudata does (`Signal.save`): `<dir>/<signal>.zip` (deflated)
 * holding `<signal>_metadata.yaml` and `<signal>_data/<ts>.csv`, or those two directly
 * in `dir` with `zip: false`. Differences from Python, on purpose: replacing an
 * existing archive is atomic (and allowed for folders too), and the signal is not
 * modified (Python appends an EXPORT_RENAME step in memory when headers are renamed).
 *
 * @example await saveSignal(signal, './out', { outputValueNames: 'auto' }) // './out/CODs#1.zip'
 */
export async function saveSignal(signal: Signal, dir: string, options: SignalSaveOptions = {}): Promise<string> {
  const files = await signalFiles(signal, options);
  await mkdir(dir, { recursive: true });
  if (options.zip ?? true) {
    const zipPath = join(dir, `${signal.name}.zip`);
    const entries = [...files].map(([name, data]) => ({ name, data }));
    await writeFileAtomic(zipPath, await zipToBuffer(entries, { compress: true, compressionLevel: options.compressionLevel ?? 1 }));
    return zipPath;
  }
  const dataFiles = new Map<string, Buffer>();
  const dataPrefix = `${signal.name}_data/`;
  let yaml: Buffer | undefined;
  for (const [name, data] of files) {
    if (name.startsWith(dataPrefix)) dataFiles.set(name.slice(dataPrefix.length), data);
    else yaml = data;
  }
  await writeDirAtomic(join(dir, `${signal.name}_data`), dataFiles);
  const yamlPath = join(dir, `${signal.name}_metadata.yaml`);
  await writeFileAtomic(yamlPath, yaml!);
  return yamlPath;
}

function corruptEntry(entry: string, what: string, cause?: unknown): MetaseriesError {
  return new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}: ${what}`, cause === undefined ? {} : { cause });
}

function keyKindOf(meta: IndexMetadata): KeyKind {
  if (meta.type === 'DatetimeIndex' || /^datetime64/.test(meta.dtype)) return 'datetime';
  if (meta.type === 'RangeIndex' || meta.type === 'Int64Index' || /^u?int\d*$/.test(meta.dtype)) return 'int';
  if (meta.type === 'Float64Index' || /^float\d*$/.test(meta.dtype)) return 'float';
  return 'string';
}

function optionalText(meta: Record<string, unknown>, key: string, entry: string): string | undefined {
  const v = meta[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  throw corruptEntry(entry, `${key} must be text, got ${show(v)}`);
}

/** Read one series' CSV and its metadata into a TimeSeries. */
export function timeSeriesFromCsv(text: string, entry: string, tsName: string, metadata: SeriesMetadata): TimeSeries {
  let indexMeta: IndexMetadata;
  try {
    const im = metadata.index_metadata;
    if (im && typeof im.frequency === 'string') {
      // Older pandas wrote `6T`, `H`: keep the modern spelling, which every pandas ≥ 2.2 reads.
      metadata = { ...metadata, index_metadata: { ...im, frequency: formatFrequency(parseFrequency(im.frequency)) } };
    }
    indexMeta = IndexMetadata.fromDict(metadata.index_metadata ?? { type: 'RangeIndex', dtype: 'int64', start: 0, end: 0, step: 1 });
  } catch (cause) {
    throw corruptEntry(entry, `invalid index_metadata of ${show(tsName)}: ${(cause as Error).message}`, cause);
  }
  const valuesDtype = typeof metadata.values_dtype === 'string' ? metadata.values_dtype : 'float64';
  const parsed = parseSeriesCsv(text, { entry, keyKind: keyKindOf(indexMeta), tz: indexMeta.zone, valuesDtype });
  try {
    let index = indexMeta.rebuildIndex(parsed.keys);
    if (indexMeta.type === 'RangeIndex' && index.length !== parsed.keys.length) index = new IndexMetadata({ ...indexMeta.toDict(), type: 'Index' }).rebuildIndex(parsed.keys);
    const series = new Series({ index, values: parsed.values, name: tsName, dtype: valuesDtype });
    return TimeSeries.fromStored(series, metadata);
  } catch (cause) {
    if (cause instanceof MetaseriesError && cause.code === 'CORRUPT_DATA' && cause.message.startsWith('Archive')) throw cause;
    throw corruptEntry(entry, (cause as Error).message, cause);
  }
}

/** Build a Signal from its metadata mapping, reading each series from `<dataDir>/<ts>.csv`. */
export async function signalFromArchive(source: ArchiveSource, meta: Record<string, unknown>, dataDir: string, entry: string): Promise<Signal> {
  const name = meta.name;
  if (typeof name !== 'string' || name === '') throw corruptEntry(entry, `name must be a non-empty string, got ${show(name)}`);
  const tsMeta = meta.time_series ?? {};
  if (typeof tsMeta !== 'object' || tsMeta === null || Array.isArray(tsMeta)) throw corruptEntry(entry, 'time_series must be a mapping');
  let signal: Signal;
  try {
    const createdOn = optionalText(meta, 'created_on', entry);
    const lastUpdated = optionalText(meta, 'last_updated', entry);
    const units = meta.units == null ? undefined : String(meta.units);
    const init: ConstructorParameters<typeof Signal>[0] = { name: name.replace(/_/g, '-'), data: [], provenance: DataProvenance.fromDict(meta.provenance as Record<string, unknown> | null) };
    if (units !== undefined) init.units = units;
    if (createdOn !== undefined) init.createdOn = createdOn;
    if (lastUpdated !== undefined) init.lastUpdated = lastUpdated;
    signal = new Signal(init);
  } catch (cause) {
    if (cause instanceof MetaseriesError && cause.code === 'CORRUPT_DATA') throw cause;
    throw corruptEntry(entry, (cause as Error).message, cause);
  }
  // Keep the stored name verbatim (Python's default "signal" is un-numbered; "_" is legal there).
  signal.name = name;
  for (const [tsName, m] of Object.entries(tsMeta as Record<string, SeriesMetadata>)) {
    const csvEntry = `${dataDir}/${tsName}.csv`;
    if (!source.names.includes(csvEntry)) throw new MetaseriesError('CORRUPT_DATA', `Archive ${JSON.stringify(source.label)} lacks ${JSON.stringify(csvEntry)} (series ${show(tsName)} of signal ${show(name)})`);
    const text = utf8(await source.read(csvEntry), csvEntry);
    // Un-numbered names (Python's overwrite=True bug writes `A#1_RESAMPLED`) are kept as stored.
    signal.timeSeries.set(tsName, timeSeriesFromCsv(text, csvEntry, tsName, (m ?? {}) as SeriesMetadata));
  }
  const lastUpdated = optionalText(meta, 'last_updated', entry);
  if (lastUpdated !== undefined) signal.lastUpdated = lastUpdated;
  return signal;
}

/** Names `X` for which the archive has `X_metadata.yaml` at `prefix` and a `X_data/` folder. */
export function archivedNames(source: ArchiveSource, prefix = ''): string[] {
  const out: string[] = [];
  for (const n of source.names) {
    if (!n.startsWith(prefix)) continue;
    const rest = n.slice(prefix.length);
    if (rest.includes('/') || !rest.endsWith('_metadata.yaml')) continue;
    const base = rest.slice(0, -'_metadata.yaml'.length);
    if (source.names.some((m) => m.startsWith(`${prefix}${base}_data/`))) out.push(base);
  }
  return out;
}

/** Pick the archived name: the one given (also tried with `#1`), or the only one there is. */
export function pickName(candidates: readonly string[], wanted: string | undefined, what: string, label: string): string {
  if (wanted !== undefined) {
    if (candidates.includes(wanted)) return wanted;
    if (!wanted.includes('#') && candidates.includes(`${wanted}#1`)) return `${wanted}#1`;
    throw new MetaseriesError('NOT_FOUND', `Archive ${JSON.stringify(label)} holds no ${what} ${show(wanted)}; it holds [${candidates.join(', ')}]`);
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new MetaseriesError('CORRUPT_DATA', `Archive ${JSON.stringify(label)} holds no ${what} (no <name>_metadata.yaml with a <name>_data/ folder)`);
  throw invalidInput(`Archive ${JSON.stringify(label)} holds several ${what}s [${candidates.join(', ')}]; pass the name to load`);
}

/**
 * Load a signal saved by `saveSignal` or by Python meteaudata (`.zip` or folder). `name`
 * may be omitted when the archive holds one signal. Reads the zip in memory: nothing is
 * written beside the archive.
 *
 * @example const cod = await loadSignal('./out/CODs#1.zip')
 */
export async function loadSignal(path: string, name?: string): Promise<Signal> {
  const source = await openArchive(path);
  const signalName = pickName(archivedNames(source), name, 'signal', source.label);
  const entry = `${signalName}_metadata.yaml`;
  const meta = parseArchiveYaml(utf8(await source.read(entry), entry), entry);
  return signalFromArchive(source, meta, `${signalName}_data`, entry);
}
