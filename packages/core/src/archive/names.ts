/**
 * The archive functions under names that say "archive", distinct from a store's
 * `save`/`load` (which write to the configured backend). `saveSignal`/`loadSignal`/
 * `saveDataset`/`loadDataset` remain as they were.
 */
import { Dataset } from '../model/dataset.js';
import type { Signal } from '../model/signal.js';
import { type DatasetSaveOptions, loadDataset, saveDataset } from './dataset-archive.js';
import { loadSignal, saveSignal, type SignalSaveOptions } from './signal-archive.js';

/** Write a signal as a meteaudata archive (`<dir>/<name>.zip`, or a folder with `{ zip: false }`); returns the path. */
export const saveSignalArchive: (signal: Signal, dir: string, options?: SignalSaveOptions) => Promise<string> = saveSignal;
/** Read a signal from a meteaudata archive (zip or folder); `name` is optional when it holds one signal. */
export const loadSignalArchive: (path: string, name?: string) => Promise<Signal> = loadSignal;
/** Write a dataset as a meteaudata archive (`<dir>/<name>.zip`); returns the path. */
export const saveDatasetArchive: (dataset: Dataset, dir: string, options?: DatasetSaveOptions) => Promise<string> = saveDataset;
/** Read a dataset from a meteaudata archive. */
export const loadDatasetArchive: (path: string, name?: string) => Promise<Dataset> = loadDataset;

/**
 * Write a signal or a dataset as a meteaudata archive; returns the path written.
 *
 * @example
 * const path = await saveArchive(cod, './out');   // ./out/CODs#1.zip
 * const back = await loadSignalArchive(path);
 */
export function saveArchive(item: Signal, dir: string, options?: SignalSaveOptions): Promise<string>;
export function saveArchive(item: Dataset, dir: string, options?: DatasetSaveOptions): Promise<string>;
export function saveArchive(item: Signal | Dataset, dir: string, options: SignalSaveOptions | DatasetSaveOptions = {}): Promise<string> {
  // The overloads pair each item with its own options type.
  return item instanceof Dataset ? saveDataset(item, dir, options as DatasetSaveOptions) : saveSignal(item, dir, options as SignalSaveOptions);
}
