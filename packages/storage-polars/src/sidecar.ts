import { open, readFile } from 'node:fs/promises';
import { MetaseriesError, type SeriesMetadata } from '@metaseries/core';
import { dumpYaml, parseArchiveYaml, show } from '@metaseries/core/backend-kit';

/**
 * The `<stem>_meta.yaml` sidecar. Python's PolarsAdapter writes the series'
 * `metadata_dict()` plus `index_metadata`, `index_values` (str() of every index value)
 * and `original_name`. We write the same top-level keys Python's `load` hands back,
 * plus two of our own: `metaseries_key` on the FIRST line (so the real key can be read
 * without parsing the file) and a `metaseries` block describing the Parquet layout.
 */

export const FORMAT_VERSION = 1;

/** How one of our Parquet files is laid out; Python ignores it. */
export interface LayoutBlock {
  format: number;
  /** Series name (null allowed; the value column is then called `value`). */
  name: string | null;
  dtype: string;
  length: number;
  /** How the index is stored. */
  index:
    | { kind: 'datetime'; column: string; tz: string | null; freq: string | null; name: string | null }
    | { kind: 'numeric'; column: string; dtype: 'int64' | 'float64'; name: string | null }
    | { kind: 'string'; column: string; name: string | null }
    | { kind: 'range'; start: number; stop: number; step: number; name: string | null };
  /** Index keys ascend (range reads can then stream by position). */
  sorted: boolean;
  /** Top-level keys we added for Python and must strip on load. */
  added: string[];
  /** The caller's metadata had `index_metadata: null`; we filled it for Python. */
  index_metadata_filled?: boolean;
}

export interface Sidecar {
  key: string | null;
  layout: LayoutBlock | null;
  /** Everything else: the metadata dict plus Python's extras. */
  body: Record<string, unknown>;
}

/** Serialise a sidecar: PyYAML-style (Python's `safe_load` reads it), `metaseries_key` as a JSON string on line 1 (valid YAML, cheap to read back). */
export function dumpSidecar(key: string, layout: LayoutBlock, body: Record<string, unknown>): string {
  return `metaseries_key: ${JSON.stringify(key)}\n${dumpYaml({ ...body, metaseries: layout })}`;
}

export function parseSidecar(text: string, file: string): Sidecar {
  let doc: Record<string, unknown>;
  try {
    // Python's sidecars may be empty (safe_load → None → {}) and carry !!python/* tags.
    doc = text.trim() === '' ? {} : parseArchiveYaml(text, file);
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `Sidecar ${show(file)} is not a YAML mapping: ${(cause as Error).message}`, { cause });
  }
  const { metaseries_key: key, metaseries: layout, ...body } = doc as Record<string, unknown>;
  if (layout !== undefined && (typeof layout !== 'object' || layout === null || typeof (layout as LayoutBlock).format !== 'number')) {
    throw new MetaseriesError('CORRUPT_DATA', `Sidecar ${show(file)} has an unreadable "metaseries" block`);
  }
  if (layout && (layout as LayoutBlock).format > FORMAT_VERSION) {
    throw new MetaseriesError('UNSUPPORTED', `Sidecar ${show(file)} uses layout format ${(layout as LayoutBlock).format}; this version reads up to ${FORMAT_VERSION}`);
  }
  return { key: typeof key === 'string' ? key : null, layout: (layout as LayoutBlock | undefined) ?? null, body };
}

export async function readSidecar(file: string): Promise<Sidecar> {
  return parseSidecar(await readFile(file, 'utf8'), file);
}

/** The real key recorded on line 1, or null for a Python sidecar (reads only the first 4 KiB). */
export async function readRecordedKey(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    // The first line holds the key; a long key (up to the key limit) needs more than one read.
    let buf = Buffer.alloc(4096);
    let bytesRead = (await handle.read(buf, 0, buf.length, 0)).bytesRead;
    while (bytesRead === buf.length && !buf.subarray(0, bytesRead).includes(10)) {
      const bigger = Buffer.alloc(buf.length * 4);
      buf.copy(bigger);
      bytesRead += (await handle.read(bigger, bytesRead, bigger.length - bytesRead, bytesRead)).bytesRead;
      buf = bigger;
      if (buf.length > 1 << 24) break;
    }
    const head = buf.subarray(0, bytesRead).toString('utf8');
    const m = /^metaseries_key: (".*")\r?\n/.exec(head);
    if (!m) return null;
    try {
      const key = JSON.parse(m[1]!) as unknown;
      return typeof key === 'string' ? key : null;
    } catch {
      return null;
    }
  } finally {
    await handle.close();
  }
}

/** The metadata to hand back: the body minus what the adapters added. */
export function metadataOf(sidecar: Sidecar): SeriesMetadata {
  const body: Record<string, unknown> = { ...sidecar.body };
  const added = sidecar.layout ? sidecar.layout.added : ['index_values', 'original_name'];
  for (const k of added) delete body[k];
  if (sidecar.layout?.index_metadata_filled) body.index_metadata = null;
  return body as SeriesMetadata;
}
