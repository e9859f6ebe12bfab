import { MemoryDriver } from './segments/memory-driver.js';
import { SegmentStore, type SegmentStoreOptions } from './segments/store.js';

/**
 * In-process storage (meteaudata's `pandas-memory`) with the whole Storage v2 API:
 * a `SegmentStore` over the `MemoryDriver`. Segments are encoded blobs, so neither the
 * caller nor a loader can change what is stored by mutating arrays.
 *
 * @example const store = new Storage(new MemoryBackend());
 */
export class MemoryBackend extends SegmentStore {
  constructor(options: SegmentStoreOptions = {}) {
    super(new MemoryDriver(), options);
  }
}
