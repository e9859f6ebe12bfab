import { type Index, type Series, civilFromDays, fractionDigitsFor, offsetSecondsAt, US_PER_DAY, US_PER_S } from '../series/index.js';
import { formatOffset } from '../series/timestamp.js';
import { ByteWriter } from './byte-writer.js';
import { pyFloatRepr } from '../python-compat/float.js';

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

type Emit = (w: ByteWriter, i: number) => void;

/** Writes every index key the way pandas `to_csv` prints that index. */
function indexWriter(index: Index, sep: string): Emit {
  if (index.kind === 'string') {
    const keys = index.values;
    return (w, i) => w.text(csvField(keys[i]!, sep));
  }
  if (index.kind === 'range' || (index.kind === 'numeric' && index.dtype === 'int64')) {
    const keys = index.values;
    return (w, i) => w.ascii(String(keys[i]!));
  }
  if (index.kind === 'numeric') {
    const keys = index.values;
    return (w, i) => { const k = keys[i]!; if (k === k) w.ascii(pyFloatRepr(k)); };
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
  // Consecutive rows mostly share a day: cache its text.
  let lastDay = Number.NaN, dayText = '';
  let lastOffset = Number.NaN, offsetText = '';
  const wall = (w: ByteWriter, us: number): void => {
    const day = Math.floor(us / US_PER_DAY);
    if (day !== lastDay) {
      const c = civilFromDays(day);
      dayText = `${String(c.year).padStart(4, '0')}-${P2[c.month]}-${P2[c.day]}`;
      lastDay = day;
    }
    w.ensure(40);
    w.ascii(dayText);
    if (dateOnly) return;
    const rem = us - day * US_PER_DAY;
    const secs = Math.floor(rem / US_PER_S);
    const sub = rem - secs * US_PER_S;
    w.byte(32);
    w.d2(Math.floor(secs / 3600)); w.byte(58);
    w.d2(Math.floor((secs % 3600) / 60)); w.byte(58);
    w.d2(secs % 60);
    if (fd === 3) { w.byte(46); w.digits(Math.floor(sub / 1000), 3); }
    else if (fd === 6) { w.byte(46); w.digits(sub, 6); }
  };
  if (tz === null) return (w, i) => { const k = keys[i]!; if (k === k) wall(w, k); };
  return (w, i) => {
    const k = keys[i]!;
    if (k !== k) return;
    const off = offsetSecondsAt(tz, k);
    if (off !== lastOffset) { offsetText = formatOffset(off); lastOffset = off; }
    wall(w, k + off * US_PER_S);
    w.ascii(offsetText);
  };
}

/** Writes every value the way pandas `to_csv` prints that dtype (NaN/None → empty). */
function valueWriter(series: Series, sep: string): Emit {
  const v = series.values;
  if (v instanceof Uint8Array) return (w, i) => w.ascii(v[i] ? 'True' : 'False');
  if (v instanceof Float64Array) {
    if (/int/i.test(series.dtype)) return (w, i) => { const x = v[i]!; if (x === x) w.ascii(String(x)); };
    return (w, i) => { const x = v[i]!; if (x === x) w.ascii(pyFloatRepr(x)); };
  }
  return (w, i) => { const x = v[i]; if (x != null) w.text(csvField(x, sep)); };
}

/**
 * Write one series as pandas `Series.to_csv(sep=…)` does (meteaudata's archive CSV), as
 * UTF-8 bytes: header `<index name>,<series name>`, or one header row per level when a
 * header is a tuple; then one row per point.
 */
export function seriesToCsvBuffer(series: Series, options: CsvWriteOptions = {}): Buffer {
  const sep = options.separator ?? ',';
  const indexHeader = options.indexHeader ?? series.index.name ?? '';
  // pandas names an unnamed series `0` in the header.
  const valueHeader = options.valueHeader ?? series.name ?? '0';
  const il = levels(indexHeader), vl = levels(valueHeader);
  const rows = Math.max(il.length, vl.length);
  const n = series.length;
  const w = new ByteWriter(1024 + n * 36);
  for (let r = 0; r < rows; r++) w.text(`${csvField(il[r] ?? '', sep)}${sep}${csvField(vl[r] ?? '', sep)}\n`);
  const fi = indexWriter(series.index, sep);
  const fv = valueWriter(series, sep);
  const sepBytes = Buffer.from(sep, 'utf8');
  const sepCode = sepBytes.length === 1 ? sepBytes[0]! : -1;
  for (let i = 0; i < n; i++) {
    fi(w, i);
    if (sepCode >= 0) w.byte(sepCode); else w.text(sep);
    fv(w, i);
    w.byte(10);
  }
  return w.result();
}

/**
 * As `seriesToCsvBuffer`, as a string.
 *
 * @example seriesToCsv(Series.fromTimes(['2020-01-01'], [1], { name: 'A#1_RAW#1' })) // ',A#1_RAW#1\n2020-01-01,1.0\n'
 */
export function seriesToCsv(series: Series, options: CsvWriteOptions = {}): string {
  return seriesToCsvBuffer(series, options).toString('utf8');
}
