import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MetaseriesError, invalidInput, show } from '../errors.js';
import { DataProvenance } from '../model/provenance.js';
import { IndexMetadata } from '../model/index-metadata.js';
import { Signal } from '../model/signal.js';
import { TimeSeries } from '../model/time-series.js';
import type { SeriesMetadata } from '../wire.js';
import { formatFrequency, formatWall, parseFrequency, parseTimestampText, Series } from '../series/index.js';
import { writeFileAtomic } from './atomic.js';
import { commitFolderArchive, recoverFolderCommits } from './folder-commit.js';
import { detectSeparator, type KeyKind, parseSeriesCsv } from './csv-read.js';
import { type HeaderName, seriesToCsvBuffer } from './csv-write.js';
import { type OutputValueNames, resolveValueHeaders } from './headers.js';
import { type ArchiveSource, utf8, withArchive } from './source.js';
import { dumpYaml } from '../python-compat/yaml-dump.js';
import { parseArchiveYaml } from '../python-compat/yaml-load.js';
import { type ArchiveLimits, zipToBuffer } from './zip.js';

export interface ArchiveWriteOptions {
  /** CSV separator (default `,`). metaseries reads any of `,` `;` tab `|` back; Python only `,`. */
  separator?: string;
  /** Header of the index column: a name, or a tuple (array) for a multi-row header. */
  outputIndexName?: HeaderName | null;
  /** Headers of the value columns; see OutputValueNames. */
  outputValueNames?: OutputValueNames | null;
}

export interface ArchiveLoadOptions {
  /** Limits on what may be inflated (a zip bomb is refused by name before it is inflated). */
  limits?: ArchiveLimits;
  /**
   * Header rows of every CSV. By default the archive's own contract decides: one row
   * (what Python writes and reads), or two when the second is the signal's units under
   * the series name (`outputValueNames: 'auto'`). Pass it for archives written with other
   * tuple headers; a data row is never taken for a header.
   */
  headerRows?: number;
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

/**
 * A name that becomes a file name: no separators, and short enough for the file system
 * with what we add to it (`_metadata.yaml`, `.csv`, temp names: `room` bytes), since
 * file systems allow 255 bytes per name — our error, not a raw ENAMETOOLONG.
 */
export function checkFileName(name: string, what: string, room = 24): void {
  if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..' || name.includes('\0')) {
    throw invalidInput(`${what} ${show(name)} cannot be used as a file name in an archive`);
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes + room > 255) {
    throw invalidInput(`${what} ${show(name.length > 60 ? `${name.slice(0, 60)}…` : name)} is too long for a file name in an archive (${bytes} bytes in UTF-8; at most ${255 - room})`);
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
    checkFileName(name, 'Time series name', 4);
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
  await commitFolderArchive(dir, signal.name, yaml!, dataFiles);
  return join(dir, `${signal.name}_metadata.yaml`);
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

/**
 * How many header rows an archive CSV has, from the archive's contract rather than from
 * whether the rows parse: one, or two when the second row's value cell is the signal's
 * units — meteaudata's tuple headers are `(name, units)` (`outputValueNames: 'auto'`, or
 * a `(label, units)` tuple per series).
 */
export function archiveHeaderRows(text: string, units: string | null): number {
  if (units === null || units === '') return 1;
  const lines = text.replace(/^\uFEFF/, '').split('\n', 3).map((l) => l.replace(/\r$/, ''));
  if (lines.length < 2) return 1;
  const sep = detectSeparator(lines[0]!);
  if (sep === null) return 1;
  const cell = (line: string): string => {
    const last = line.slice(line.lastIndexOf(sep) + 1);
    return last.startsWith('"') && last.endsWith('"') && last.length >= 2 ? last.slice(1, -1).replace(/""/g, '"') : last;
  };
  return cell(lines[1]!) === units ? 2 : 1;
}

/** Read one series' CSV and its metadata into a TimeSeries. */
export function timeSeriesFromCsv(text: string, entry: string, tsName: string, metadata: SeriesMetadata, headerRows = 1): TimeSeries {
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
  const parsed = parseSeriesCsv(text, { entry, keyKind: keyKindOf(indexMeta), tz: indexMeta.zone, valuesDtype, headerRows });
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
export async function signalFromArchive(source: ArchiveSource, meta: Record<string, unknown>, dataDir: string, entry: string, options: ArchiveLoadOptions = {}): Promise<Signal> {
  const name = meta.name;
  if (typeof name !== 'string' || name === '') throw corruptEntry(entry, `name must be a non-empty string, got ${show(name)}`);
  // Python writes every key of metadata_dict(), sorted; `units` comes last, so a file cut
  // at a line break (a partial copy, a kill) loses it, or a series' `values_dtype`.
  for (const key of ['time_series', 'units']) {
    if (!(key in meta)) throw corruptEntry(entry, `signal ${show(name)} has no ${key} (truncated metadata?)`);
  }
  const tsMeta = meta.time_series ?? {};
  if (typeof tsMeta !== 'object' || tsMeta === null || Array.isArray(tsMeta)) throw corruptEntry(entry, 'time_series must be a mapping');
  for (const [tsName, m] of Object.entries(tsMeta as Record<string, unknown>)) {
    if (m === null || typeof m !== 'object') throw corruptEntry(entry, `series ${show(tsName)} of signal ${show(name)} is not a mapping (truncated metadata?)`);
    for (const key of ['index_metadata', 'values_dtype']) {
      if (!(key in m)) throw corruptEntry(entry, `series ${show(tsName)} of signal ${show(name)} has no ${key} (truncated metadata?)`);
    }
  }
  const listed = new Set(Object.keys(tsMeta as object).map((ts) => `${dataDir}/${ts}.csv`));
  const unlisted = source.names.filter((n) => n.startsWith(`${dataDir}/`) && n.endsWith('.csv') && !n.slice(dataDir.length + 1).includes('/') && !listed.has(n));
  if (unlisted.length > 0) {
    throw corruptEntry(entry, `signal ${show(name)} lists ${listed.size} series but ${JSON.stringify(unlisted[0])} is in the archive too (truncated metadata?)`);
  }
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
  const series = Object.entries(tsMeta as Record<string, SeriesMetadata>);
  for (const [tsName] of series) {
    const csvEntry = `${dataDir}/${tsName}.csv`;
    if (!source.names.includes(csvEntry)) throw new MetaseriesError('CORRUPT_DATA', `Archive ${JSON.stringify(source.label)} lacks ${JSON.stringify(csvEntry)} (series ${show(tsName)} of signal ${show(name)})`);
  }
  // Inflate the next entry while this one is parsed (zlib runs on the thread pool), but
  // never more than one ahead: memory stays at two entries.
  let next: Promise<Buffer> | null = series.length > 0 ? source.read(`${dataDir}/${series[0]![0]}.csv`) : null;
  next?.catch(() => undefined);
  for (let k = 0; k < series.length; k++) {
    const [tsName, m] = series[k]!;
    const csvEntry = `${dataDir}/${tsName}.csv`;
    const data = await next!;
    next = k + 1 < series.length ? source.read(`${dataDir}/${series[k + 1]![0]}.csv`) : null;
    next?.catch(() => undefined);
    const text = utf8(data, csvEntry);
    const units = meta.units == null ? null : String(meta.units);
    const headerRows = options.headerRows ?? archiveHeaderRows(text, units);
    // Un-numbered names (Python's overwrite=True bug writes `A#1_RESAMPLED`) are kept as stored.
    signal.timeSeries.set(tsName, timeSeriesFromCsv(text, csvEntry, tsName, (m ?? {}) as SeriesMetadata, headerRows));
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
export async function loadSignal(path: string, name?: string, options: ArchiveLoadOptions = {}): Promise<Signal> {
  checkLoadOptions(options);
  await recoverFolderCommits(path);
  return withArchive(path, options.limits ?? {}, async (source) => {
    const signalName = pickName(archivedNames(source), name, 'signal', source.label);
    const entry = `${signalName}_metadata.yaml`;
    const meta = parseArchiveYaml(utf8(await source.read(entry), entry), entry);
    return signalFromArchive(source, meta, `${signalName}_data`, entry, options);
  });
}

/** Refuse unknown load options and a header-row count that is not a positive integer. */
export function checkLoadOptions(options: ArchiveLoadOptions): void {
  for (const key of Object.keys(options)) {
    if (key !== 'limits' && key !== 'headerRows') throw invalidInput(`Unknown archive load option ${show(key)}; known: limits, headerRows`);
  }
  if (options.headerRows !== undefined && !(Number.isInteger(options.headerRows) && options.headerRows >= 1 && options.headerRows <= 8)) {
    throw invalidInput(`headerRows must be an integer from 1 to 8, got ${show(options.headerRows)}`);
  }
}
