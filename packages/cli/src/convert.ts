import { mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createBackend, Dataset, MetaseriesError, type ProgressOptions, type Storage } from '@metaseries/core';
import { copyCatalog, isCatalogKey, show, throwIfAborted } from '@metaseries/core/backend-kit';
import { describeKeys } from '@metaseries/core/backend-kit';
import { destinationSpec, isArchivePath, loadArchiveDataset, readableStore } from './endpoint.js';

export interface ConvertOptions extends ProgressOptions {
  /** Only this dataset (default: every dataset of the source). */
  dataset?: string;
  /** Copy every key again, even those the destination already holds. */
  force?: boolean;
}

export interface ConvertReport {
  source: string;
  destination: string;
  datasets: string[];
  /** Keys written by this run. */
  copied: string[];
  /** Keys the destination already held, same length and range (an earlier, interrupted run). */
  skipped: string[];
  /** Points per key, checked in the destination after the copy. */
  verified: number;
}

/** Dataset names of a store: the first segment of its keys. */
export async function datasetNames(storage: Storage, only?: string): Promise<string[]> {
  const names = [...new Set((await storage.listKeys(only ? `${only}/` : undefined)).map((k) => k.split('/')[0]!))].sort();
  if (only && names.length === 0) throw new MetaseriesError('NOT_FOUND', `No dataset ${show(only)} in the ${storage.kind} store`, { backend: storage.kind });
  return names;
}

/**
 * Copy every series (and the catalog) from a store or archive into another store or
 * archive. Store to store goes key by key, catalog records last, and skips keys the
 * destination already holds with the same length and range — so an interrupted
 * convert resumes where it stopped. Counts are checked at the end.
 *
 * @example await convert('sqlite:./plant.db', 'parquet:./plant-parquet', { onProgress: console.log })
 */
export async function convert(source: string | Storage, destination: string | Storage, options: ConvertOptions = {}): Promise<ConvertReport> {
  // Stores opened here from a URL are closed here; stores passed in stay open.
  const opened: Storage[] = [];
  try {
    const src = typeof source === 'string' ? await readableStore(source) : source;
    if (typeof source === 'string') opened.push(src);
    const srcLabel = typeof source === 'string' ? source : source.kind;
    const datasets = await datasetNames(src, options.dataset);
    if (typeof destination === 'string' && isArchivePath(destination)) return await toArchive(src, srcLabel, destination, datasets, options);
    const dst = typeof destination === 'string' ? await createBackend(destinationSpec(destination)) : destination;
    if (typeof destination === 'string') opened.push(dst);
    return await toStore(src, srcLabel, dst, typeof destination === 'string' ? destination : dst.kind, datasets, options);
  } finally {
    for (const store of opened) await store.close().catch(() => undefined);
  }
}

async function toStore(src: Storage, srcLabel: string, dst: Storage, dstLabel: string, datasets: string[], options: ConvertOptions): Promise<ConvertReport> {
  const report: ConvertReport = { source: srcLabel, destination: dstLabel, datasets, copied: [], skipped: [], verified: 0 };
  const keys: string[] = [];
  for (const d of datasets) keys.push(...(await src.listKeys(`${d}/`)).filter((k) => k.split('/')[0] === d));
  // Data first, catalog records last: a reader of the destination never sees a catalog naming missing series.
  keys.sort((a, b) => Number(isCatalogKey(a)) - Number(isCatalogKey(b)));
  const srcSummary = new Map((await describeKeys(src)).map((s) => [s.key, s]));
  const dstSummary = new Map((await describeKeys(dst)).map((s) => [s.key, s]));
  for (const [i, key] of keys.entries()) {
    throwIfAborted(options.signal, `convert ${srcLabel} → ${report.destination}`, `${report.copied.length} keys copied, ${report.skipped.length} already there, ${keys.length - i} left (run again to resume)`);
    const have = dstSummary.get(key), want = srcSummary.get(key);
    if (!options.force && !isCatalogKey(key) && have && want && have.length === want.length && have.first === want.first && have.last === want.last) {
      report.skipped.push(key);
    } else {
      const { series, metadata } = await src.load(key);
      await dst.save(key, series, metadata);
      report.copied.push(key);
    }
    options.onProgress?.({ done: i + 1, total: keys.length, unit: 'series', key });
  }
  // Dataset and signal fields last: a reader of the destination never sees a catalog naming missing series.
  for (const d of datasets) await copyCatalog(src, dst, d);
  const after = new Map((await describeKeys(dst)).map((s) => [s.key, s]));
  const wrong = keys.filter((k) => after.get(k)?.length !== srcSummary.get(k)?.length);
  if (wrong.length > 0) {
    throw new MetaseriesError('CORRUPT_DATA', `convert: after copying, ${wrong.length} key(s) differ in length between source and destination: ${wrong.slice(0, 5).map((k) => `${show(k)} (${srcSummary.get(k)?.length} vs ${after.get(k)?.length ?? 'missing'})`).join(', ')}`);
  }
  report.verified = keys.reduce((n, k) => n + (srcSummary.get(k)?.length ?? 0), 0);
  return report;
}

/** Each dataset as a meteaudata archive: `<dir>/<dataset>.zip`, or exactly `out.zip` for one dataset. */
async function toArchive(src: Storage, srcLabel: string, destination: string, datasets: string[], options: ConvertOptions): Promise<ConvertReport> {
  const report: ConvertReport = { source: srcLabel, destination, datasets, copied: [], skipped: [], verified: 0 };
  const single = /\.zip$/i.test(destination);
  if (single && datasets.length !== 1) throw new MetaseriesError('INVALID_INPUT', `${show(destination)} is one archive but the source has ${datasets.length} datasets (${datasets.join(', ')}); pass --dataset or give a folder`);
  for (const [i, name] of datasets.entries()) {
    throwIfAborted(options.signal, `convert ${srcLabel} → ${destination}`, `${i} of ${datasets.length} datasets written`);
    const dataset = await Dataset.fromBackend(src, name, { signal: options.signal });
    const path = single ? await saveAs(dataset, destination, options) : await dataset.save(destination, { onProgress: options.onProgress, signal: options.signal });
    const back = await loadArchiveDataset(path);
    let points = 0, expected = 0;
    for (const s of back.signals.values()) for (const ts of s.timeSeries.values()) { points += (await ts.load()).length; report.copied.push(`${name}/${s.name}/${ts.name.slice(s.name.length + 1)}`); }
    for (const s of dataset.signals.values()) for (const ts of s.timeSeries.values()) expected += (await ts.load()).length;
    if (points !== expected) throw new MetaseriesError('CORRUPT_DATA', `convert: archive ${show(path)} holds ${points} points, the source ${expected}`);
    report.verified += points;
  }
  return report;
}

/** Save `dataset` as exactly `target` (a .zip path), atomically. */
export async function saveAs(dataset: Dataset, target: string, options: ProgressOptions = {}): Promise<string> {
  const tmp = await mkdtemp(join(dirname(target), '.metaseries-'));
  try {
    const written = await dataset.save(tmp, options);
    await rename(written, target);
    return target;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
