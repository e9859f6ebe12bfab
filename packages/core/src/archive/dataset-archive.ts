import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MetaseriesError, show } from '../errors.js';
import { Dataset } from '../model/dataset.js';
import type { Signal } from '../model/signal.js';
import { writeFileAtomic } from './atomic.js';
import { type DatasetOutputValueNames, signalValueNames } from './headers.js';
import { type ArchiveLoadOptions, type ArchiveWriteOptions, checkFileName, checkLoadOptions, pickName, signalFiles, signalFromArchive, signalMetadataDict, strictIso } from './signal-archive.js';
import { utf8, withArchive } from './source.js';
import { dumpYaml } from '../python-compat/yaml-dump.js';
import { parseArchiveYaml } from '../python-compat/yaml-load.js';
import { zipToBuffer } from './zip.js';
import { type ProgressOptions, throwIfAborted } from '../progress.js';

export interface DatasetSaveOptions extends Omit<ArchiveWriteOptions, 'outputValueNames'>, ProgressOptions {
  /** `'auto'` or a string for every signal, or signal name → that signal's headers. */
  outputValueNames?: DatasetOutputValueNames | null;
}

/** The dataset's metadata mapping as meteaudata writes it (`Dataset.metadata_dict()`). */
export function datasetMetadataDict(dataset: Dataset): Record<string, unknown> {
  const signals: Record<string, unknown> = {};
  for (const [name, s] of dataset.signals) signals[name] = signalMetadataDict(s);
  return {
    created_on: dataset.createdOn,
    description: dataset.description,
    last_updated: strictIso(dataset.lastUpdated),
    name: dataset.name,
    owner: dataset.owner,
    project: dataset.project,
    purpose: dataset.purpose,
    signals,
  };
}

/**
 * Save a dataset as meteaudata does (`Dataset.save`): `<dir>/<dataset>.zip`, stored
 * (not deflated), with `<dataset>_data/<signal>_metadata.yaml`,
 * `<dataset>_data/<signal>_data/<ts>.csv` and, last, `<dataset>_metadata.yaml`.
 * Built in memory and renamed into place: no staging files in `dir` or the system temp
 * folder, and an existing archive stays intact if anything fails.
 *
 * @example await saveDataset(plant, './out') // './out/plant.zip'
 */
export async function saveDataset(dataset: Dataset, dir: string, options: DatasetSaveOptions = {}): Promise<string> {
  checkFileName(dataset.name, 'Dataset name');
  const entries: { name: string; data: Buffer }[] = [];
  const prefix = `${dataset.name}_data/`;
  let done = 0;
  for (const [name, signal] of dataset.signals) {
    // Nothing is written before the final rename, so a cancel leaves any old archive as it was.
    throwIfAborted(options.signal, `save of dataset ${show(dataset.name)}`, `${done} of ${dataset.signals.size} signals serialised, nothing written`);
    const { onProgress: _p, signal: _s, ...write } = options;
    const files = await signalFiles(signal as Signal, { ...write, outputValueNames: signalValueNames(name, options.outputValueNames) }, prefix);
    for (const [entry, data] of files) entries.push({ name: entry, data });
    options.onProgress?.({ done: ++done, total: dataset.signals.size, unit: 'signals', key: name });
  }
  throwIfAborted(options.signal, `save of dataset ${show(dataset.name)}`, `${done} of ${dataset.signals.size} signals serialised, nothing written`);
  entries.push({ name: `${dataset.name}_metadata.yaml`, data: Buffer.from(dumpYaml(datasetMetadataDict(dataset)), 'utf8') });
  await mkdir(dir, { recursive: true });
  const zipPath = join(dir, `${dataset.name}.zip`);
  await writeFileAtomic(zipPath, await zipToBuffer(entries, { compress: false }));
  return zipPath;
}

/**
 * Load a dataset saved by `saveDataset` or by Python meteaudata (`.zip` or folder);
 * `name` may be omitted when the archive holds one dataset. Nothing is written to disk.
 *
 * @example const plant = await loadDataset('./out/plant.zip')
 */
export async function loadDataset(path: string, name?: string, options: ArchiveLoadOptions & ProgressOptions = {}): Promise<Dataset> {
  checkLoadOptions(options);
  return withArchive(path, options.limits ?? {}, async (source) => {
    const candidates = source.names.filter((n) => !n.includes('/') && n.endsWith('_metadata.yaml')).map((n) => n.slice(0, -'_metadata.yaml'.length));
    const dsName = pickName(candidates, name, 'dataset', source.label);
    const entry = `${dsName}_metadata.yaml`;
    const meta = parseArchiveYaml(utf8(await source.read(entry), entry), entry);
    const signalsMeta = meta.signals ?? {};
    if (typeof signalsMeta !== 'object' || signalsMeta === null || Array.isArray(signalsMeta)) {
      throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}: signals must be a mapping`);
    }
    if (!('signals' in meta)) throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}: dataset ${show(dsName)} has no signals (truncated metadata?)`);
    const signals: Signal[] = [];
    for (const [sigName, sigMeta] of Object.entries(signalsMeta as Record<string, unknown>)) {
      if (typeof sigMeta !== 'object' || sigMeta === null) throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}: signal ${show(sigName)} is not a mapping`);
      const m = { ...(sigMeta as Record<string, unknown>) };
      m.name ??= sigName;
      throwIfAborted(options.signal, `load of archive ${show(path)}`, `${signals.length} signals read`);
      signals.push(await signalFromArchive(source, m, `${dsName}_data/${sigName}_data`, entry, options));
      options.onProgress?.({ done: signals.length, total: Object.keys(signalsMeta).length, unit: 'signals', key: sigName });
    }
    const listed = new Set(Object.keys(signalsMeta as object));
    const prefix = `${dsName}_data/`;
    for (const n of source.names) {
      if (!n.startsWith(prefix) || !n.endsWith('_metadata.yaml') || n.slice(prefix.length).includes('/')) continue;
      const sig = n.slice(prefix.length, -'_metadata.yaml'.length);
      if (!listed.has(sig)) throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}: signal ${show(sig)} is in the archive (${JSON.stringify(n)}) but not in the dataset metadata (truncated metadata?)`);
    }
    const text = (k: string): string | null => {
      const v = meta[k];
      return v == null ? null : v instanceof Date ? v.toISOString() : String(v);
    };
    try {
      const init: ConstructorParameters<typeof Dataset>[0] = {
        name: String(meta.name ?? dsName), description: text('description'), owner: text('owner'), purpose: text('purpose'), project: text('project'),
      };
      const createdOn = text('created_on'), lastUpdated = text('last_updated');
      if (createdOn !== null) init.createdOn = createdOn;
      if (lastUpdated !== null) init.lastUpdated = lastUpdated;
      const dataset = new Dataset(init);
      // Signals keep their stored keys (Python's Dataset would renumber names without '#').
      for (const s of signals) dataset.signals.set(s.name, s);
      if (lastUpdated !== null) dataset.lastUpdated = lastUpdated;
      return dataset;
    } catch (cause) {
      if (cause instanceof MetaseriesError && cause.code === 'CORRUPT_DATA') throw cause;
      throw new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}: ${(cause as Error).message}`, { cause });
    }
  });
}
