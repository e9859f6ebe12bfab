import { join } from 'node:path';
import { fileStem, pythonStem, pythonStemUsable, tempPath as sharedTempPath } from '@metaseries/core/backend-kit';

/**
 * File naming, as Python's PolarsAdapter: `<key with / replaced by _>.parquet` and
 * `<…>_meta.yaml` — through core's one key ↔ file-name mapping. Python's names collide
 * (`a_b/c` and `a/b_c` are both `a_b_c`); we record the real key in the sidecar and,
 * when the plain name is taken by another key, too long or hidden, use `fileStem(key)`.
 */

export const DATA_EXT = '.parquet';
export const META_SUFFIX = '_meta.yaml';
/** Temp files and commit journals start with a dot and end with these suffixes. */
export const TEMP_SUFFIX = '.tmp';
export const JOURNAL_SUFFIX = '.commit';

export const plainStem = pythonStem;

/** Candidate stems for a key, in lookup order. */
export function stemsFor(key: string): string[] {
  return pythonStemUsable(key) ? [pythonStem(key), fileStem(key)] : [fileStem(key)];
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

/** A fresh fixed-length temp name next to the final file (core's commit module). */
export function tempPath(dir: string): string {
  return sharedTempPath(join(dir, 'x'));
}

/** The stem of a data file name, or null if the name is not one. */
export function stemOfDataFile(name: string): string | null {
  if (!name.endsWith(DATA_EXT) || name.endsWith(TEMP_SUFFIX)) return null;
  return name.slice(0, -DATA_EXT.length);
}
