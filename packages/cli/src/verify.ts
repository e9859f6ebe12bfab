import { MetaseriesError, type ProgressOptions, type Storage } from '@metaseries/core';
import { isCatalogKey, readCatalog, throwIfAborted } from '@metaseries/core/backend-kit';
import { describeKeys, type SeriesSummary } from '@metaseries/core/backend-kit';

export interface VerifyProblem {
  key: string;
  problem: string;
}

export interface VerifyReport {
  keys: number;
  points: number;
  damaged: VerifyProblem[];
}

function message(e: unknown): string {
  return e instanceof MetaseriesError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
}

/**
 * Read every key of a store and check it: the data loads, its length and first/last
 * keys match the stored summary, its dtype matches its metadata, the catalog of each
 * dataset reads and names only series that exist. Changes nothing.
 *
 * @example const { damaged } = await verifyStore(await createBackend('sqlite:./plant.db'));
 */
export async function verifyStore(storage: Storage, options: ProgressOptions & { prefix?: string } = {}): Promise<VerifyReport> {
  const keys = await storage.listKeys(options.prefix);
  const report: VerifyReport = { keys: keys.length, points: 0, damaged: [] };
  let summaries: Map<string, SeriesSummary> | null = null;
  try {
    summaries = new Map((await describeKeys(storage, options.prefix)).map((s) => [s.key, s]));
  } catch (e) {
    report.damaged.push({ key: options.prefix ?? '', problem: `the store's summaries cannot be read (${message(e)})` });
  }
  for (const [i, key] of keys.entries()) {
    throwIfAborted(options.signal, 'verify', `${i} of ${keys.length} keys checked`);
    options.onProgress?.({ done: i, total: keys.length, unit: 'series', key });
    try {
      if (isCatalogKey(key)) {
        const dataset = key.split('/')[0]!;
        const catalog = await readCatalog(storage, dataset);
        for (const [signal, entry] of Object.entries(catalog.signals)) {
          for (const ts of entry.time_series) {
            const k = `${dataset}/${signal}/${ts.startsWith(`${signal}_`) ? ts.slice(signal.length + 1) : ts}`;
            if (!keys.includes(k)) report.damaged.push({ key, problem: `the catalog lists ${JSON.stringify(ts)} but ${JSON.stringify(k)} is not stored` });
          }
        }
        continue;
      }
      const { series, metadata } = await storage.load(key);
      report.points += series.length;
      const summary = summaries?.get(key);
      if (summaries && !summary) report.damaged.push({ key, problem: 'listed but has no summary' });
      if (summary && summary.length !== series.length) report.damaged.push({ key, problem: `summary says ${summary.length} points, the data has ${series.length}` });
      if (summary && series.length > 0 && series.index.kind !== 'string' && series.index.kind !== 'range') {
        const keysArr = series.index.values as Float64Array;
        if (summary.first !== null && summary.first !== keysArr[0]) report.damaged.push({ key, problem: `summary's first key ${summary.first} differs from the data's ${keysArr[0]}` });
        if (summary.last !== null && summary.last !== keysArr[keysArr.length - 1]) report.damaged.push({ key, problem: `summary's last key ${summary.last} differs from the data's ${keysArr[keysArr.length - 1]}` });
      }
      const declared = metadata.values_dtype;
      const storageKind = (d: string): string => (/int|float/.test(d) ? 'number' : d === 'bool' ? 'bool' : 'text');
      if (declared && storageKind(declared) !== storageKind(series.dtype)) report.damaged.push({ key, problem: `metadata says ${declared}, the data is ${series.dtype}` });
    } catch (e) {
      report.damaged.push({ key, problem: message(e) });
    }
  }
  options.onProgress?.({ done: keys.length, total: keys.length, unit: 'series' });
  return report;
}
