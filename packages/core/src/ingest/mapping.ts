import { readFile } from 'node:fs/promises';
import { load as loadYaml } from 'js-yaml';
import { MetaseriesError, invalidInput, show } from '../errors.js';
import type { DataProvenanceInit } from '../model/provenance.js';
import { TIME_FORMATS, type TimeFormat } from './time-formats.js';

/** How one column becomes a signal. */
export interface ColumnMapping {
  /** Signal name (default: the column name, with `_` and `/` replaced by `-`). */
  signal?: string;
  units?: string;
  provenance?: DataProvenanceInit;
  /** `float64` (default for numbers), `int64`, `str` (text). */
  dtype?: 'float64' | 'int64' | 'str';
  /** Extra missing-value markers for this column (added to the file-wide ones). */
  missing?: readonly string[];
  /** Leave this column out. */
  skip?: boolean;
}

export type IngestFormat = 'csv' | 'json' | 'ndjson';

/**
 * What a file looks like and where its columns go. Everything is optional: what is not
 * given is detected, and `IngestResult.detected` says what was chosen, in this same
 * shape, so it can be pinned. Also readable from YAML (`readMapping`).
 */
export interface IngestMapping {
  format?: IngestFormat;
  /** Field delimiter of CSV text (`,` `;` tab `|`). */
  delimiter?: string | null;
  /** Decimal mark of numbers: `.` or `,`. */
  decimal?: '.' | ',';
  /** Lines before the header line (e.g. a station line on top of a TMY3 file). */
  skipRows?: number;
  /** Header lines: names come from the first; others (units…) are skipped. 0 = no header (columns are named `col1`…). */
  headerRows?: number;
  /** Timestamp column, or a date column and a time column read together. */
  timeColumn?: string | readonly string[];
  timeFormat?: TimeFormat;
  /** For `dd/mm` vs `mm/dd` dates that no value decides. */
  dayFirst?: boolean;
  /** Time zone of the wall-clock times in the file (IANA name or `±HH:MM`); the index keeps it. Omitted: naive (or UTC for text with offsets and epochs). */
  timezone?: string | null;
  /** Missing-value markers for every column (default `''`, `NA`, `N/A`, `NaN`, `nan`, `null`). */
  missing?: readonly string[];
  /** Columns to leave out. */
  skip?: readonly string[];
  /** Per-column settings, by column name (a dtype string alone is short for `{ dtype }`). */
  columns?: Record<string, ColumnMapping | ColumnMapping['dtype']>;
  /** Dataset name (default: the file name without extension). */
  dataset?: string;
  /** What to do with a row that does not parse: fail (default), drop it, or store NaN in the bad cell. */
  onBadRow?: 'error' | 'skip' | 'nan';
}

/** A mapping after `checkMapping`: every column setting is an object. */
export interface CheckedMapping extends Omit<IngestMapping, 'columns'> {
  columns?: Record<string, ColumnMapping>;
}

const MAPPING_KEYS = new Set(['format', 'delimiter', 'decimal', 'skipRows', 'headerRows', 'timeColumn', 'timeFormat', 'dayFirst', 'timezone', 'missing', 'skip', 'columns', 'dataset', 'onBadRow']);
const COLUMN_KEYS = new Set(['signal', 'units', 'provenance', 'dtype', 'missing', 'skip']);
const PROVENANCE_KEYS = new Set(['sourceRepository', 'project', 'location', 'equipment', 'parameter', 'purpose', 'metadataId']);

function strings(value: unknown, where: string): readonly string[] {
  if (!Array.isArray(value)) throw invalidInput(`${where} must be a list of strings, got ${show(value)}`);
  // YAML reads -9999 as a number: markers are text, so keep what was written.
  return value.map((v) => {
    if (typeof v === 'number' || typeof v === 'string') return String(v);
    if (v === null) return '';
    throw invalidInput(`${where} must be a list of strings, got ${show(v)}`);
  });
}

/**
 * Check a mapping (from code or YAML): unknown keys and wrong types are INVALID_INPUT
 * naming the key, never ignored.
 */
export function checkMapping(raw: unknown, origin = 'mapping'): CheckedMapping {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidInput(`The ${origin} must be a mapping, got ${show(raw)}`);
  const m = raw as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!MAPPING_KEYS.has(k)) throw invalidInput(`Unknown key ${show(k)} in the ${origin}; known keys: ${[...MAPPING_KEYS].join(', ')}`);
  const out: CheckedMapping = { ...(m as CheckedMapping) };
  if (m.format !== undefined && !['csv', 'json', 'ndjson'].includes(m.format as string)) throw invalidInput(`${origin}: format must be csv, json or ndjson, got ${show(m.format)}`);
  if (m.delimiter === null) delete out.delimiter; // JSON detections report no delimiter
  if (m.delimiter != null && (typeof m.delimiter !== 'string' || m.delimiter.length !== 1)) throw invalidInput(`${origin}: delimiter must be one character, got ${show(m.delimiter)}`);
  if (m.decimal !== undefined && m.decimal !== '.' && m.decimal !== ',') throw invalidInput(`${origin}: decimal must be "." or ",", got ${show(m.decimal)}`);
  for (const k of ['skipRows', 'headerRows'] as const) {
    if (m[k] !== undefined && (!Number.isInteger(m[k]) || (m[k] as number) < 0)) throw invalidInput(`${origin}: ${k} must be a non-negative integer, got ${show(m[k])}`);
  }
  if (m.timeColumn !== undefined && typeof m.timeColumn !== 'string') out.timeColumn = strings(m.timeColumn, `${origin}: timeColumn`);
  if (m.timeFormat !== undefined && !TIME_FORMATS.includes(m.timeFormat as TimeFormat)) throw invalidInput(`${origin}: timeFormat must be one of ${TIME_FORMATS.join(', ')}, got ${show(m.timeFormat)}`);
  if (m.dayFirst !== undefined && typeof m.dayFirst !== 'boolean') throw invalidInput(`${origin}: dayFirst must be true or false, got ${show(m.dayFirst)}`);
  if (m.timezone !== undefined && m.timezone !== null && typeof m.timezone !== 'string') throw invalidInput(`${origin}: timezone must be a zone name, got ${show(m.timezone)}`);
  if (m.missing !== undefined) out.missing = strings(m.missing, `${origin}: missing`);
  if (m.skip !== undefined) out.skip = strings(m.skip, `${origin}: skip`);
  if (m.dataset !== undefined && typeof m.dataset !== 'string') throw invalidInput(`${origin}: dataset must be a name, got ${show(m.dataset)}`);
  if (m.onBadRow !== undefined && !['error', 'skip', 'nan'].includes(m.onBadRow as string)) throw invalidInput(`${origin}: onBadRow must be error, skip or nan, got ${show(m.onBadRow)}`);
  if (m.columns !== undefined) {
    if (typeof m.columns !== 'object' || m.columns === null || Array.isArray(m.columns)) throw invalidInput(`${origin}: columns must map column names to settings, got ${show(m.columns)}`);
    const columns: Record<string, ColumnMapping> = {};
    for (const [name, c] of Object.entries(m.columns as Record<string, unknown>)) {
      const where = `${origin}: columns[${show(name)}]`;
      // A dtype alone (the shape of IngestDetection.columns), so a detection can be passed back as options.
      if (typeof c === 'string' && ['float64', 'int64', 'str'].includes(c)) { columns[name] = { dtype: c as ColumnMapping['dtype'] }; continue; }
      if (c === null || typeof c !== 'object' || Array.isArray(c)) throw invalidInput(`${where} must be a mapping, got ${show(c)}`);
      const col = c as Record<string, unknown>;
      for (const k of Object.keys(col)) if (!COLUMN_KEYS.has(k)) throw invalidInput(`Unknown key ${show(k)} in ${where}; known keys: ${[...COLUMN_KEYS].join(', ')}`);
      if (col.dtype !== undefined && !['float64', 'int64', 'str'].includes(col.dtype as string)) throw invalidInput(`${where}.dtype must be float64, int64 or str, got ${show(col.dtype)}`);
      if (col.provenance !== undefined) {
        if (typeof col.provenance !== 'object' || col.provenance === null) throw invalidInput(`${where}.provenance must be a mapping, got ${show(col.provenance)}`);
        for (const k of Object.keys(col.provenance)) if (!PROVENANCE_KEYS.has(k)) throw invalidInput(`Unknown key ${show(k)} in ${where}.provenance; known keys: ${[...PROVENANCE_KEYS].join(', ')}`);
      }
      for (const k of ['signal', 'units'] as const) if (col[k] !== undefined && typeof col[k] !== 'string') throw invalidInput(`${where}.${k} must be text, got ${show(col[k])}`);
      const checked: ColumnMapping = { ...(col as ColumnMapping) };
      if (col.missing !== undefined) checked.missing = strings(col.missing, `${where}.missing`);
      columns[name] = checked;
    }
    out.columns = columns;
  }
  return out;
}

/**
 * Read a mapping from a YAML (or JSON) file.
 * @example const mapping = await readMapping('./logger.mapping.yaml');
 */
export async function readMapping(path: string): Promise<CheckedMapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MetaseriesError('NOT_FOUND', `Mapping file ${show(path)} cannot be read`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = loadYaml(text);
  } catch (cause) {
    throw new MetaseriesError('INVALID_INPUT', `Mapping file ${show(path)} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  return checkMapping(parsed ?? {}, `mapping file ${show(path)}`);
}
