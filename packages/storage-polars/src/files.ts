import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * File naming, as Python's PolarsAdapter: `<key with / replaced by _>.parquet` and
 * `<…>_meta.yaml`. Python's sanitised names collide (`a_b/c` and `a/b_c` are both
 * `a_b_c`); we record the real key in the sidecar and, when the plain name is taken by
 * another key, use `<stem>~<hash>` so different keys never share files. Over-long
 * names (file systems stop at 255 bytes) are shortened the same way.
 */

const MAX_STEM_BYTES = 200;

export const DATA_EXT = '.parquet';
export const META_SUFFIX = '_meta.yaml';
/** Temp files and commit journals start with a dot and end with these suffixes. */
export const TEMP_SUFFIX = '.tmp';
export const JOURNAL_SUFFIX = '.commit';

export function plainStem(key: string): string {
  return key.replace(/[/\\]/g, '_');
}

export function hashedStem(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  let base = plainStem(key);
  while (Buffer.byteLength(base) > MAX_STEM_BYTES - 13) base = base.slice(0, -1);
  return `${base}~${hash}`;
}

/** Candidate stems for a key, in lookup order. */
export function stemsFor(key: string): string[] {
  const plain = plainStem(key);
  return Buffer.byteLength(plain) > MAX_STEM_BYTES ? [hashedStem(key)] : [plain, hashedStem(key)];
}

export interface StemPaths {
  stem: string;
  data: string;
  meta: string;
  journal: string;
}

export function pathsFor(dir: string, stem: string): StemPaths {
  return {
    stem,
    data: join(dir, stem + DATA_EXT),
    meta: join(dir, stem + META_SUFFIX),
    journal: join(dir, `.${stem}${JOURNAL_SUFFIX}`),
  };
}

/** A fresh temp name next to the final file (same folder, so rename is atomic). */
export function tempPath(dir: string, stem: string, what: 'parquet' | 'yaml' | 'commit'): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dir, `.${stem}.${process.pid}.${rand}.${what}${TEMP_SUFFIX}`);
}

/** The stem of a data file name, or null if the name is not one. */
export function stemOfDataFile(name: string): string | null {
  if (!name.endsWith(DATA_EXT) || name.endsWith(TEMP_SUFFIX)) return null;
  return name.slice(0, -DATA_EXT.length);
}
