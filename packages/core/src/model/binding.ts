import type { AsOf } from '../storage/backend.js';
import type { Storage } from '../storage/storage.js';

/** Where a signal's series are stored, and whether `process` saves automatically. */
export interface StorageBinding {
  storage: Storage;
  autoSave: boolean;
  datasetName: string;
  /** Set when the dataset was opened as of a past version or snapshot (read-only). */
  asOf?: AsOf;
}
