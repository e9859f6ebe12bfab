import { readdir } from 'node:fs/promises';
import { MetaseriesError, type SegmentStoreOptions, type StorageBackend } from '@metaseries/core';
import { FileSegmentDriver, SegmentStore, show } from '@metaseries/core/backend-kit';
import { ParquetBackend } from './backend.js';
import { parquetSegmentFormat } from './segment-file.js';

/** `native`: metaseries' versioned segment layout; `meteaudata`: Python's PandasDiskAdapter/PolarsAdapter folder. */
export type FileLayout = 'native' | 'meteaudata';

export interface FileStoreOptions {
  /** Make the folder when it does not exist (default false: a mistyped path is an error naming it). */
  create?: boolean;
  /** Default: detected — a folder with `metaseries.json` is native, one with `*.parquet`/`*_meta.yaml` files is meteaudata, an empty or new one native. */
  layout?: FileLayout;
  /** Segment store tuning (native layout). */
  segments?: SegmentStoreOptions;
}

/**
 * Which layout a folder holds: `native` when it has the index file, `meteaudata` when it
 * has Python's files (or ours in that layout), `null` when empty or missing.
 */
export async function detectLayout(dir: string): Promise<FileLayout | null> {
  let names: string[];
  try { names = await readdir(dir); } catch { return null; }
  if (names.includes('metaseries.json')) return 'native';
  if (names.some((n) => !n.startsWith('.') && (n.endsWith('.parquet') || n.endsWith('_meta.yaml')))) return 'meteaudata';
  return null;
}

export function checkLayout(layout: unknown, backend: string): FileLayout | undefined {
  if (layout === undefined) return undefined;
  if (layout !== 'native' && layout !== 'meteaudata') {
    throw new MetaseriesError('INVALID_INPUT', `Unknown ${backend} layout ${show(layout)}: expected "native" or "meteaudata"`, { backend });
  }
  return layout;
}

/**
 * Open a Parquet store folder in its layout (detected unless given).
 * @example const backend = await openParquetBackend('./store', { create: true });
 */
export async function openParquetBackend(dir: string, options: FileStoreOptions = {}): Promise<StorageBackend> {
  const layout = checkLayout(options.layout, 'parquet') ?? (await detectLayout(dir)) ?? 'native';
  if (layout === 'meteaudata') return ParquetBackend.open(dir, { create: options.create === true });
  const driver = await FileSegmentDriver.open('parquet', dir, parquetSegmentFormat, { create: options.create === true });
  return new SegmentStore(driver, options.segments);
}
