import { type Index, type Series, civilFromDays, fractionDigitsFor, offsetSecondsAt, US_PER_DAY, US_PER_S } from '../series/index.js';
import { formatOffset } from '../series/timestamp.js';
import { pyFloatRepr } from './pyrepr.js';

/** A CSV header cell: a name, or a tuple of names (one header row per level). */
export type HeaderName = string | readonly string[];

export interface CsvWriteOptions {
  /** Field separator (pandas `sep`), default `,`. */
  separator?: string;
  /** Header of the index column; default the index name (or empty). */
  indexHeader?: HeaderName | null;
  /** Header of the value column; default the series name. */
  valueHeader?: HeaderName | null;
}

const P2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/** Quote a field the way Python's csv module does with QUOTE_MINIMAL. */
export function csvField(text: string, sep: string): string {
  if (text.indexOf('"') >= 0) return `"${text.replaceAll('"', '""')}"`;
  if (text.indexOf(sep) >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) return `"${text}"`;
  return text;
}

function levels(name: HeaderName): readonly string[] {
  return typeof name === 'string' ? [name] : name.length === 0 ? [''] : name;
}

/** Text of every index key, the way pandas `to_csv` prints that index. */
function indexFormatter(index: Index, sep: string): (i: number) => string {
  if (index.kind === 'string') {
    const keys = index.values;
    return (i) => csvField(keys[i]!, sep);
  }
  if (index.kind === 'range' || (index.kind === 'numeric' && index.dtype === 'int64')) {
    const keys = index.values;
    return (i) => String(keys[i]!);
  }
  if (index.kind === 'numeric') {
    const keys = index.values;
    return (i) => pyFloatRepr(keys[i]!);
  }
  const keys = index.values;
  const tz = index.tz;
  const fd = fractionDigitsFor(keys);
  let dateOnly = tz === null && keys.length > 0;
  if (dateOnly) {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k === k && k % US_PER_DAY !== 0) { dateOnly = false; break; }
    }
  }
  // Cache the date text: consecutive rows mostly share a day.
  let lastDay = Number.NaN, dayText = '';
  let lastOffsetWall = Number.NaN, offsetText = '';
  const wallText = (wall: number): string => {
    const day = Math.floor(wall / US_PER_DAY);
    if (day !== lastDay) {
      const c = civilFromDays(day);
      const y = c.year;
      dayText = `${y < 1000 ? String(y).padStart(4, '0') : y}-${P2[c.month]}-${P2[c.day]}`;
      lastDay = day;
    }
    if (dateOnly) return dayText;
    const rem = wall - day * US_PER_DAY;
    const secs = Math.floor(rem / US_PER_S);
    const sub = rem - secs * US_PER_S;
    const h = Math.floor(secs / 3600), m = Math.floor((secs % 3600) / 60), s = secs % 60;
    let t = `${dayText} ${P2[h]}:${P2[m]}:${P2[s]}`;
    if (fd === 3) t += `.${String(Math.floor(sub / 1000)).padStart(3, '0')}`;
    else if (fd === 6) t += `.${String(sub).padStart(6, '0')}`;
    return t;
  };
  if (tz === null) return (i) => { const k = keys[i]!; return k === k ? wallText(k) : ''; };
  return (i) => {
    const k = keys[i]!;
    if (k !== k) return '';
    const off = offsetSecondsAt(tz, k);
    if (off !== lastOffsetWall) { offsetText = formatOffset(off); lastOffsetWall = off; }
    return wallText(k + off * US_PER_S) + offsetText;
  };
}

/** Text of every value, the way pandas `to_csv` prints that dtype (NaN/None → empty). */
function valueFormatter(series: Series, sep: string): (i: number) => string {
  const v = series.values;
  if (v instanceof Uint8Array) return (i) => (v[i] ? 'True' : 'False');
  if (v instanceof Float64Array) {
    if (/int/i.test(series.dtype)) return (i) => { const x = v[i]!; return x === x ? String(x) : ''; };
    return (i) => { const x = v[i]!; return x === x ? pyFloatRepr(x) : ''; };
  }
  return (i) => { const x = v[i]; return x == null ? '' : csvField(x, sep); };
}

/**
 * Write one series as pandas `Series.to_csv(sep=…)` does (meteaudata's archive CSV):
 * header `<index name>,<series name>`, or one header row per level when a header is a
 * tuple; then one row per point.
 *
 * @example seriesToCsv(Series.fromTimes(['2020-01-01'], [1], { name: 'A#1_RAW#1' })) // ',A#1_RAW#1\n2020-01-01,1.0\n'
 */
export function seriesToCsv(series: Series, options: CsvWriteOptions = {}): string {
  const sep = options.separator ?? ',';
  const indexHeader = options.indexHeader ?? series.index.name ?? '';
  // pandas names an unnamed series `0` in the header.
  const valueHeader = options.valueHeader ?? series.name ?? '0';
  const il = levels(indexHeader), vl = levels(valueHeader);
  const rows = Math.max(il.length, vl.length);
  let out = '';
  for (let r = 0; r < rows; r++) out += `${csvField(il[r] ?? '', sep)}${sep}${csvField(vl[r] ?? '', sep)}\n`;
  const fi = indexFormatter(series.index, sep);
  const fv = valueFormatter(series, sep);
  const n = series.length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    out += `${fi(i)}${sep}${fv(i)}\n`;
    if ((i & 0xffff) === 0xffff) { parts.push(out); out = ''; }
  }
  parts.push(out);
  return parts.join('');
}
