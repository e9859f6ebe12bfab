import { invalidInput, show } from '../errors.js';
import { parseDecimal } from './columns.js';
import type { CheckedMapping, IngestFormat } from './mapping.js';
import { detectTimeFormat, type TimeFormat } from './time-formats.js';

/** What ingestion chose for a file; pass it back as options to pin the choice. */
export interface IngestDetection {
  format: IngestFormat;
  delimiter: string | null;
  decimal: '.' | ',';
  skipRows: number;
  headerRows: number;
  timeColumn: string | string[];
  timeFormat: TimeFormat;
  /** Set when the dates were day-first or month-first. */
  dayFirst?: boolean;
  timezone: string | null;
  /** Column name → dtype of the signal it became (`float64`, `int64` or `str`). */
  columns: Record<string, 'float64' | 'int64' | 'str'>;
}

export const DEFAULT_MISSING: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL'];

/** Format from the file name, else from the first non-blank character. */
export function detectFormat(sample: string, name: string | undefined): IngestFormat {
  const ext = /\.([a-z]+)$/i.exec(name ?? '')?.[1]?.toLowerCase();
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  const t = sample.trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) return 'ndjson';
  return 'csv';
}

/** Fields of one CSV line, honouring double quotes (`""` is a quote inside a quoted field). */
export function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { out.push(field); field = ''; }
    else field += c;
  }
  out.push(field);
  return out;
}

const DELIMITERS = ['\t', ';', '|', ','];

/**
 * The delimiter whose field count is the same (and above one) on most of the last
 * lines of the sample — the tail, because files may start with a preamble. Tab,
 * semicolon and pipe win over comma, which may be a decimal mark.
 */
function detectDelimiter(lines: readonly string[]): string {
  // The tail: files may start with a preamble; tiny samples keep all but the first line.
  const tail = lines.length > 10 ? lines.slice(Math.floor(lines.length / 2)) : lines.length > 1 ? lines.slice(1) : lines;
  for (const d of DELIMITERS) {
    const counts = new Map<number, number>();
    for (const line of tail) {
      const n = splitLine(line, d).length;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const [mode, hits] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    if (mode > 1 && hits >= tail.length * 0.6) return d;
  }
  throw invalidInput(`Cannot tell the delimiter of the file: none of tab, ";", "|", "," splits its lines into the same number of fields (first line ${show(lines[0]?.slice(0, 80) ?? '')}); pass delimiter`);
}

const TIME_NAME = /time|date|stamp|epoch|datetime|jour|datum|fecha|^t$/i;

export interface CsvDetectInput {
  lines: readonly string[];
  mapping: CheckedMapping;
  missing: ReadonlySet<string>;
}

/**
 * Look at the first lines of CSV text and decide everything the mapping did not pin:
 * delimiter, preamble, header rows, decimal mark, time column and format, column dtypes.
 */
export function detectCsv({ lines, mapping, missing }: CsvDetectInput): { detection: Omit<IngestDetection, 'timezone'>; names: string[]; hasOffset: boolean } {
  const nonBlank = lines.filter((l) => l.trim() !== '');
  if (nonBlank.length === 0) throw invalidInput('The file has no lines to read');
  const delimiter = mapping.delimiter ?? detectDelimiter(nonBlank);
  const split = lines.map((l) => splitLine(l, delimiter));
  // The data's field count: the most common count over the second half of the sample.
  const tail = (split.length > 10 ? split.slice(Math.floor(split.length / 2)) : split.length > 1 ? split.slice(1) : split).filter((f) => f.length > 1 || f[0] !== '');
  const counts = new Map<number, number>();
  for (const f of tail) counts.set(f.length, (counts.get(f.length) ?? 0) + 1);
  const width = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? split[0]!.length;
  let skipRows = mapping.skipRows ?? 0;
  if (mapping.skipRows === undefined) while (skipRows < split.length - 1 && split[skipRows]!.length !== width) skipRows++;
  const first = split[skipRows] ?? [];
  // A header has no numeric cells and no timestamps; otherwise the file has no header.
  const looksLikeData = first.some((c) => c.trim() !== '' && !Number.isNaN(parseDecimal(c, 0, c.length, 46))) || detectTimeFormat([first[0] ?? ''], { dayFirst: true }) !== null;
  let headerRows: number = mapping.headerRows ?? (looksLikeData ? 0 : 1);
  const names = headerRows > 0 ? first.map((n, i) => n.trim() || `col${i + 1}`) : first.map((_, i) => `col${i + 1}`);
  const seen = new Set<string>();
  for (const [i, n] of names.entries()) {
    if (seen.has(n)) names[i] = `${n}.${i}`; // pandas' mangle_dupe_cols
    seen.add(names[i]!);
  }
  // Extra header rows (units under the names): rows right after it with no number and no date in any cell.
  if (mapping.headerRows === undefined && headerRows > 0) {
    const isText = (c: string): boolean => c.trim() === '' || (Number.isNaN(parseDecimal(c, 0, c.length, 46)) && detectTimeFormat([c], { dayFirst: true }) === null);
    while (headerRows < 8 && skipRows + headerRows < split.length - 1 && split[skipRows + headerRows]!.length === width && split[skipRows + headerRows]!.some((c) => c.trim() !== '') && split[skipRows + headerRows]!.every(isText)) headerRows++;
  }
  const dataStart = skipRows + headerRows;
  const dataRows = split.slice(dataStart).filter((f) => f.length === names.length);
  const column = (i: number): string[] => dataRows.map((f) => f[i]!.trim()).filter((v) => !missing.has(v));

  // Decimal comma: only with a delimiter other than ',' and cells like 12,5.
  let decimal = mapping.decimal ?? '.';
  if (mapping.decimal === undefined && delimiter !== ',') {
    const cells = dataRows.flat();
    if (cells.some((c) => /^\s*[+-]?\d+,\d+\s*$/.test(c)) && !cells.some((c) => /^\s*[+-]?\d+\.\d+\s*$/.test(c))) decimal = ',';
  }

  // Time column: pinned, else the first column named like a time that parses, else the first text column that parses.
  let timeColumn: string | string[];
  let format: TimeFormat | undefined = mapping.timeFormat;
  let hasOffset = false;
  let dayFirst = mapping.dayFirst;
  const check = (idx: number, numericIsTime: boolean): ReturnType<typeof detectTimeFormat> =>
    detectTimeFormat(column(idx), { dayFirst: mapping.dayFirst, numericIsTime, column: names[idx] });
  if (mapping.timeColumn !== undefined) {
    timeColumn = typeof mapping.timeColumn === 'string' ? mapping.timeColumn : [...mapping.timeColumn];
    for (const c of [timeColumn].flat()) if (!names.includes(c)) throw invalidInput(`Time column ${show(c)} is not in the file; its columns are ${names.map((n) => show(n)).join(', ')}`);
    if (format === undefined) {
      const cols = [timeColumn].flat().map((c) => names.indexOf(c));
      const joined = cols.length === 1 ? column(cols[0]!) : dataRows.map((f) => cols.map((i) => f[i]!.trim()).join(' '));
      const found = detectTimeFormat(joined, { dayFirst: mapping.dayFirst, numericIsTime: true, column: [timeColumn].flat().join(' ') });
      if (!found) throw invalidInput(`Time column ${show(timeColumn)}: cannot tell the format of values such as ${show(joined[0] ?? '')}; pass timeFormat`);
      format = found.format; hasOffset = found.hasOffset;
    }
  } else {
    let idx = names.findIndex((n, i) => TIME_NAME.test(n) && check(i, true) !== null);
    if (idx < 0) idx = names.findIndex((_, i) => column(i).some((v) => Number.isNaN(parseDecimal(v, 0, v.length, decimal.charCodeAt(0)))) && check(i, false) !== null);
    if (idx < 0) throw invalidInput(`Cannot find a timestamp column among ${names.map((n) => show(n)).join(', ')}; pass timeColumn (and timeFormat)`);
    const found = check(idx, true)!;
    timeColumn = names[idx]!;
    // A date column followed by a time-of-day column (TMY3: "Date (MM/DD/YYYY)", "Time (HH:MM)").
    const next = idx + 1 < names.length ? column(idx + 1) : [];
    if (next.length > 0 && next.every((v) => /^\d{1,2}:\d{2}(:\d{2})?$/.test(v))) timeColumn = [names[idx]!, names[idx + 1]!];
    format ??= found.format;
    hasOffset = found.hasOffset;
  }
  if (format === 'dmy' || format === 'mdy') dayFirst = format === 'dmy';

  const timeNames = new Set([timeColumn].flat());
  const skip = new Set(mapping.skip ?? []);
  const columns: Record<string, 'float64' | 'int64' | 'str'> = {};
  const dec = decimal.charCodeAt(0);
  for (const [i, n] of names.entries()) {
    if (timeNames.has(n) || skip.has(n) || mapping.columns?.[n]?.skip) continue;
    const pinned = mapping.columns?.[n]?.dtype;
    if (pinned) { columns[n] = pinned; continue; }
    const own = new Set([...missing, ...(mapping.columns?.[n]?.missing ?? [])]);
    const values = dataRows.map((f) => f[i]!.trim()).filter((v) => !own.has(v));
    // One stray text in a numeric column is a bad cell (reported), not a text column.
    const failures = values.filter((v) => Number.isNaN(parseDecimal(v, 0, v.length, dec)) && !/^[+-]?nan$/i.test(v)).length;
    const numeric = failures <= Math.max(1, Math.floor(values.length * 0.01)) && failures < values.length / 2;
    columns[n] = numeric ? 'float64' : 'str';
  }
  const detection: Omit<IngestDetection, 'timezone'> = { format: 'csv', delimiter, decimal, skipRows, headerRows, timeColumn, timeFormat: format, columns };
  if (dayFirst !== undefined && (format === 'dmy' || format === 'mdy')) detection.dayFirst = dayFirst;
  return { detection, names, hasOffset };
}
