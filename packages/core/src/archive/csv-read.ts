import { MetaseriesError } from '../errors.js';
import { parseTimestampText, resolveParsed, storageOf, type Values } from '../series/index.js';

/** How to read the key column of an archive CSV. */
export type KeyKind = 'datetime' | 'int' | 'float' | 'string';

export interface CsvReadOptions {
  /** Archive entry (or file) name, for error messages. */
  entry: string;
  /** How to parse the first column. */
  keyKind: KeyKind;
  /** Zone of a datetime key column (null = naive). */
  tz?: string | null;
  /** pandas dtype of the value column (`float64`, `int64`, `bool`, `object`, `str`…). */
  valuesDtype: string;
  /** Force a separator instead of detecting `,` / `;` / tab / `|` from the header. */
  separator?: string;
  /**
   * Header rows before the data (default 1; 2 or more for tuple headers). Fixed in
   * advance: a row that does not parse is an error, never taken for another header.
   */
  headerRows?: number;
}

export interface ParsedCsv {
  /** Header rows, each `[index cell, value cell]` (more than one for tuple headers). */
  header: [string, string][];
  /** Keys: epoch microseconds (datetime), numbers, or strings. */
  keys: Float64Array | string[];
  values: Values;
  separator: string;
}

function corrupt(entry: string, line: number, what: string): MetaseriesError {
  return new MetaseriesError('CORRUPT_DATA', `Archive entry ${JSON.stringify(entry)}, line ${line}: ${what}`);
}

const SEPARATORS = [',', ';', '\t', '|'];

/** Separator of a 2-column CSV from its first line: the candidate that occurs once outside quotes. */
export function detectSeparator(firstLine: string): string | null {
  const counts = new Map<string, number>();
  let quoted = false;
  for (let i = 0; i < firstLine.length; i++) {
    const c = firstLine[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && SEPARATORS.includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  for (const s of SEPARATORS) if (counts.get(s) === 1) return s;
  return null;
}

/**
 * Parse a meteaudata archive CSV (pandas `to_csv` of one series) into typed arrays.
 * Lenient like a good reader should be: any of `,` `;` tab `|` as separator, CRLF,
 * several header rows (tuple headers, `headerRows`), date-only or fractional timestamps, per-row
 * offsets, quoted fields. Strict about shape: every row must have two fields, every
 * value must parse as the dtype; otherwise CORRUPT_DATA naming the entry and line.
 *
 * @example parseSeriesCsv(',x\n2020-01-01,1.0\n', { entry: 'x.csv', keyKind: 'datetime', valuesDtype: 'float64' })
 */
export function parseSeriesCsv(input: string, options: CsvReadOptions): ParsedCsv {
  const { entry, keyKind } = options;
  const headerRows = options.headerRows ?? 1;
  const tz = options.tz ?? null;
  let text = input;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const n = text.length;
  const firstEnd = text.indexOf('\n');
  const firstLine = firstEnd < 0 ? text : text.slice(0, firstEnd);
  const sep = options.separator ?? detectSeparator(firstLine.replace(/\r$/, ''));
  if (sep === null) throw corrupt(entry, 1, `expected a header of two columns (index, values) separated by "," or ";", got ${JSON.stringify(firstLine.slice(0, 80))}`);
  const sepCode = sep.charCodeAt(0);
  const storage = storageOf(options.valuesDtype);
  const isInt = storage === 'number' && /int/i.test(options.valuesDtype);

  // Growable outputs.
  let cap = Math.max(16, Math.ceil(n / 24));
  let numKeys = keyKind === 'string' ? null : new Float64Array(cap);
  const strKeys: string[] = [];
  let numVals = storage === 'number' ? new Float64Array(cap) : null;
  let boolVals = storage === 'bool' ? new Uint8Array(cap) : null;
  const strVals: (string | null)[] = [];
  let count = 0;
  const header: [string, string][] = [];

  let pos = 0, line = 1;
  let quotedLines = 0;
  // Read one field starting at `pos`; returns the text and leaves `pos` on the delimiter.
  const readQuoted = (): string => {
    let out = '';
    let i = pos + 1;
    for (;;) {
      const q = text.indexOf('"', i);
      if (q < 0) throw corrupt(entry, line, 'unterminated quoted field');
      const chunk = text.slice(i, q);
      for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) quotedLines++;
      out += chunk;
      if (text.charCodeAt(q + 1) === 34) { out += '"'; i = q + 2; continue; }
      pos = q + 1;
      return out;
    }
  };

  const parseKey = (field: string): number | string | null => {
    switch (keyKind) {
      case 'string': return field;
      case 'datetime': {
        if (field === '' || field === 'NaT') return Number.NaN;
        const p = parseTimestampText(field);
        return p === null ? null : resolveParsed(p, tz);
      }
      default: {
        const x = parseNumber(field);
        return x === null || (keyKind === 'int' && !Number.isInteger(x)) ? null : x;
      }
    }
  };

  const fastTs = keyKind === 'datetime' ? makeFastTimestamp(tz) : null;
  while (pos < n) {
    // Field 1.
    let key: string;
    let fastKey: number | undefined;
    if (text.charCodeAt(pos) === 34) key = readQuoted();
    else {
      let j = text.indexOf(sep, pos);
      if (j < 0) j = n;
      const nl = text.indexOf('\n', pos);
      if (nl >= 0 && nl < j) j = nl;
      if (fastTs !== null && header.length >= headerRows) fastKey = fastTs(text, pos, j);
      key = fastKey === undefined ? text.slice(pos, j) : '';
      pos = j;
    }
    if (text.charCodeAt(pos) !== sepCode) {
      if (fastKey !== undefined) key = String(fastKey);
      const rest = key.replace(/\r$/, '');
      if (rest === '' && pos >= n - 1) break; // trailing blank line
      throw corrupt(entry, line, `expected 2 fields separated by ${JSON.stringify(sep)}, got ${JSON.stringify(rest.slice(0, 80))}`);
    }
    pos++;
    // Field 2.
    let value: string;
    if (text.charCodeAt(pos) === 34) value = readQuoted();
    else {
      let j = text.indexOf('\n', pos);
      if (j < 0) j = n;
      value = text.slice(pos, j);
      pos = j;
      if (value.charCodeAt(value.length - 1) === 13) value = value.slice(0, -1);
      if (value.indexOf(sep) >= 0) throw corrupt(entry, line, `expected 2 fields, got more (${JSON.stringify(value.slice(0, 80))})`);
    }
    if (pos < n) {
      if (text.charCodeAt(pos) === 13) pos++;
      if (pos < n && text.charCodeAt(pos) !== 10) throw corrupt(entry, line, 'unexpected text after a quoted field');
      pos++;
    }
    const thisLine = line;
    line += 1 + quotedLines;
    quotedLines = 0;

    if (header.length < headerRows) { header.push([key, value]); continue; }
    const k = fastKey ?? parseKey(key);
    let ok = k !== null;
    let num = 0, str: string | null = null;
    if (ok) {
      if (storage === 'number') {
        let x: number | null = value === '' ? Number.NaN : Number(value);
        if (x !== x && value !== '') x = parseNumber(value);
        else if (x === 0 && value.charCodeAt(0) === 32) x = parseNumber(value.trim());
        if (x === null || (isInt && !Number.isInteger(x))) ok = false; else num = x;
      } else if (storage === 'bool') {
        if (value === 'True' || value === 'true') num = 1;
        else if (value === 'False' || value === 'false') num = 0;
        else ok = false;
      } else str = value === '' ? null : value;
    }
    if (!ok) {
      throw corrupt(entry, thisLine, k === null
        ? `key ${JSON.stringify(key)} is not a valid ${keyKind === 'datetime' ? 'timestamp' : keyKind === 'string' ? 'label' : `${keyKind} number`}`
        : `value ${JSON.stringify(value)} is not a valid ${options.valuesDtype}`);
    }
    if (count === cap) {
      cap *= 2;
      if (numKeys) { const a = new Float64Array(cap); a.set(numKeys); numKeys = a; }
      if (numVals) { const a = new Float64Array(cap); a.set(numVals); numVals = a; }
      if (boolVals) { const a = new Uint8Array(cap); a.set(boolVals); boolVals = a; }
    }
    if (numKeys) numKeys[count] = k as number; else strKeys.push(k as string);
    if (numVals) numVals[count] = num;
    else if (boolVals) boolVals[count] = num;
    else strVals.push(str);
    count++;
  }
  if (header.length === 0) throw corrupt(entry, 1, 'empty file: expected a header row');
  if (header.length < headerRows) throw corrupt(entry, header.length + 1, `expected ${headerRows} header rows, the file ends after ${header.length}`);
  const keys = numKeys ? numKeys.slice(0, count) : strKeys;
  const values: Values = numVals ? numVals.slice(0, count) : boolVals ? boolVals.slice(0, count) : strVals;
  return { header, keys, values, separator: sep };
}

/**
 * Fast path for `YYYY-MM-DD[ HH:MM:SS[.f…]][±HH:MM]` inside `text[s, e)`, without slicing;
 * returns undefined for anything else (the caller falls back to parseTimestampText).
 */
export function makeFastTimestamp(tz: string | null): (text: string, s: number, e: number) => number | undefined {
  let lastYmd = -1, lastDayUs = 0;
  const dig = (text: string, at: number): number => text.charCodeAt(at) - 48;
  return (text, s, e) => {
    const len = e - s;
    if (len < 10 || text.charCodeAt(s + 4) !== 45 || text.charCodeAt(s + 7) !== 45) return undefined;
    const y = dig(text, s) * 1000 + dig(text, s + 1) * 100 + dig(text, s + 2) * 10 + dig(text, s + 3);
    const m = dig(text, s + 5) * 10 + dig(text, s + 6);
    const d = dig(text, s + 8) * 10 + dig(text, s + 9);
    const ymd = y * 10000 + m * 100 + d;
    if (ymd !== lastYmd) {
      if (!(y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return undefined;
      const p = parseTimestampText(text.slice(s, s + 10));
      if (p === null) return undefined;
      lastYmd = ymd; lastDayUs = p.wallUs;
    }
    let us = lastDayUs;
    let i = s + 10;
    if (i < e) {
      const c = text.charCodeAt(i);
      if ((c !== 32 && c !== 84) || len < 19 || text.charCodeAt(i + 3) !== 58 || text.charCodeAt(i + 6) !== 58) return undefined;
      const hh = dig(text, i + 1) * 10 + dig(text, i + 2), mm = dig(text, i + 4) * 10 + dig(text, i + 5), ss = dig(text, i + 7) * 10 + dig(text, i + 8);
      if (!(hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && ss >= 0 && ss < 60)) return undefined;
      us += hh * 3_600_000_000 + mm * 60_000_000 + ss * 1_000_000;
      i += 9;
      if (i < e && text.charCodeAt(i) === 46) {
        i++;
        let frac = 0, scale = 100_000, any = false;
        while (i < e) { const x = text.charCodeAt(i) - 48; if (x < 0 || x > 9) break; if (scale >= 1) frac += x * scale; scale /= 10; any = true; i++; }
        if (!any) return undefined;
        us += Math.floor(frac);
      }
    }
    if (i === e) return resolveParsed({ wallUs: us, offsetS: null }, tz);
    const c = text.charCodeAt(i);
    if ((c !== 43 && c !== 45) || e - i !== 6 || text.charCodeAt(i + 3) !== 58) return undefined;
    const oh = dig(text, i + 1) * 10 + dig(text, i + 2), om = dig(text, i + 4) * 10 + dig(text, i + 5);
    if (!(oh >= 0 && oh < 24 && om >= 0 && om < 60)) return undefined;
    return us - (c === 45 ? -1 : 1) * (oh * 3600 + om * 60) * 1_000_000;
  };
}

/** Python/pandas number text → number (`1e-05`, `inf`, `-inf`, `nan`); null if not a number. */
export function parseNumber(text: string): number | null {
  const x = Number(text);
  // Number('') and Number(' ') are 0: only accept a result when the text starts with a digit, sign or dot.
  if (x === x) { const c = text.charCodeAt(0); if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) return x; }
  switch (text.trim().toLowerCase()) {
    case 'nan': case '': return Number.NaN;
    case 'inf': case '+inf': case 'infinity': return Infinity;
    case '-inf': case '-infinity': return -Infinity;
    default: return null;
  }
}
