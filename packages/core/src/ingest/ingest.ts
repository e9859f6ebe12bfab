import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MetaseriesError, invalidInput, show } from '../errors.js';
import { Dataset } from '../model/dataset.js';
import { Signal } from '../model/signal.js';
import { type ProgressOptions, throwIfAborted } from '../progress.js';
import { DatetimeIndex } from '../series/indexes.js';
import { Series } from '../series/series.js';
import type { StorageBackend } from '../storage/backend.js';
import { Storage } from '../storage/storage.js';
import { isNanText, NumberColumn, parseDecimal, TextColumn } from './columns.js';
import { DEFAULT_MISSING, detectCsv, detectFormat, type IngestDetection, splitLine } from './detect.js';
import { type CheckedMapping, checkMapping, type IngestMapping, readMapping } from './mapping.js';
import { type TimeParser, timeParser } from './time-formats.js';
// Ingest saves through the facade's Dataset.saveAll.
import '../facade/index.js';

/** Where the text comes from: a file, a string, or any (async) iterable of text or bytes (Node streams are). */
export type IngestSource = { path: string } | { text: string } | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export interface IngestOptions extends IngestMapping, ProgressOptions {
  /** A mapping object or the path of a YAML mapping file; options given directly win over it. */
  mapping?: IngestMapping | string;
  /** Name used in messages (default: the file name, or "input"). */
  name?: string;
  /** Add the columns to this dataset's signals (a new RAW series in a signal of the same name) instead of making a new dataset. */
  into?: Dataset;
  /** Save the result here (or, with `into`, in `into`'s own store when this is omitted); nothing is left behind if the save fails. */
  store?: Storage | StorageBackend;
}

export interface BadRow {
  /** 1-based line in the file. */
  line: number;
  column: string;
  text: string;
  reason: string;
}

export interface BadRowReport {
  /** Rows dropped (`skip`, or a bad timestamp) plus cells set to NaN (`nan`). */
  count: number;
  /** The first 100 of them. */
  first: BadRow[];
}

export interface IngestResult {
  dataset: Dataset;
  /** Signals that received data, in column order. */
  signals: string[];
  rows: number;
  /** What was detected (and what was pinned), in the shape of the options. */
  detected: IngestDetection;
  badRows: BadRowReport;
  /** Keys written to the store (empty without `store`). */
  savedKeys: string[];
}

const CHUNK_BYTES = 1 << 20;
const SAMPLE_CHARS = 64 * 1024;
const SAMPLE_LINES = 200;

/**
 * Read a CSV/TSV/semicolon file, a JSON array of records or NDJSON into a Dataset: one
 * signal per column, one timestamp index. Streams the text in 1 MiB chunks into typed
 * columns, so memory stays within about twice the resulting arrays.
 *
 * @example
 * const { dataset, detected } = await ingest({ text: 'time,flow\n2024-01-01 00:00,1.5\n' }, { dataset: 'plant' });
 */
export async function ingest(source: IngestSource, options: IngestOptions = {}): Promise<IngestResult> {
  const mapping = await resolveMapping(options);
  const label = options.name ?? ('path' in source && typeof source.path === 'string' ? basename(source.path) : 'input');
  const { chunks, total } = await openChunks(source);
  const signal = options.signal;
  const progress = (done: number): void => options.onProgress?.({ done, total, unit: 'bytes', key: label });

  // Sample the start of the text to detect its shape.
  const it = chunks[Symbol.asyncIterator]();
  let sample = '';
  let ended = false;
  let consumedBytes = 0;
  while (sample.length < SAMPLE_CHARS) {
    const next = await it.next();
    if (next.done) { ended = true; break; }
    sample += next.value.text;
    consumedBytes += next.value.bytes;
  }
  if (sample.charCodeAt(0) === 0xfeff) sample = sample.slice(1);
  const format = mapping.format ?? detectFormat(sample, label);
  const missing = new Set(mapping.missing ?? DEFAULT_MISSING);
  const rest = async function* (): AsyncGenerator<string> {
    if (ended) return;
    for (;;) {
      throwIfAborted(signal, `Ingest of ${label}`, `${consumedBytes} bytes read, nothing stored`);
      const next = await it.next();
      if (next.done) return;
      consumedBytes += next.value.bytes;
      progress(consumedBytes);
      yield next.value.text;
    }
  };

  let sink: RowSink;
  if (format === 'csv') {
    const lines = sampleLines(sample, ended);
    const { detection, names, hasOffset } = detectCsv({ lines, mapping, missing });
    const sampled = lines.reduce((n, l) => n + l.length + 1, 0);
    const expectedRows = total !== null && lines.length > 1 && sampled > 0 ? (total * lines.length) / sampled : undefined;
    sink = new RowSink(names, { ...detection, timezone: zoneFor(mapping, detection.timeFormat, hasOffset) }, mapping, missing, label, expectedRows);
    await sink.readCsv(sample, rest());
  } else {
    const records = format === 'json' ? await jsonRecords(sample, rest(), label) : ndjsonRecords(sample, rest(), label);
    sink = await RowSink.fromRecords(records, format, mapping, missing, label);
  }
  progress(consumedBytes);
  throwIfAborted(signal, `Ingest of ${label}`, `${sink.count} rows read, nothing stored`);

  const { dataset, signals } = sink.build(options.into, mapping.dataset ?? datasetNameFrom(label));
  const savedKeys = await saveResult(dataset, options);
  return { dataset, signals, rows: sink.count, detected: sink.detection, badRows: sink.report(), savedKeys };
}

async function resolveMapping(options: IngestOptions): Promise<CheckedMapping> {
  const base = options.mapping === undefined ? {} : typeof options.mapping === 'string' ? await readMapping(options.mapping) : checkMapping(options.mapping);
  const direct: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && !['mapping', 'name', 'into', 'store', 'onProgress', 'signal'].includes(k)) direct[k] = v;
  }
  return checkMapping({ ...base, ...direct }, 'ingest options');
}

function zoneFor(mapping: CheckedMapping, format: string, hasOffset: boolean): string | null {
  if (mapping.timezone !== undefined) return mapping.timezone;
  return hasOffset || format.startsWith('epoch') ? 'UTC' : null;
}

function datasetNameFrom(label: string): string {
  return label.replace(/\.[^.]*$/, '').replace(/[/\\]/g, '-') || 'ingest';
}

/** The sample's first records (a quoted field may span lines), without a cut-off last one. */
function sampleLines(sample: string, ended: boolean): string[] {
  const lines: string[] = [];
  let pos = 0;
  while (pos < sample.length && lines.length < SAMPLE_LINES) {
    let end = sample.indexOf('"', pos) >= 0 ? recordEnd(sample, pos) : sample.indexOf('\n', pos);
    if (end < 0 || (end === sample.length && !ended)) {
      if (!ended) break;
      end = sample.length;
    }
    const line = sample.slice(pos, end);
    lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    pos = end + 1;
  }
  if (lines.length === 0) lines.push(sample);
  return lines;
}

interface TextChunk { text: string; bytes: number }

async function openChunks(source: IngestSource): Promise<{ chunks: AsyncIterable<TextChunk>; total: number | null }> {
  if (typeof source === 'object' && source !== null && 'text' in source && typeof source.text === 'string') {
    const text = source.text;
    return { total: text.length, chunks: (async function* () { for (let i = 0; i < text.length; i += CHUNK_BYTES) yield { text: text.slice(i, i + CHUNK_BYTES), bytes: Math.min(CHUNK_BYTES, text.length - i) }; })() };
  }
  let iterable: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  let total: number | null = null;
  if (typeof source === 'object' && source !== null && 'path' in source && typeof source.path === 'string') {
    const path = source.path;
    try {
      total = (await stat(path)).size;
    } catch (cause) {
      throw new MetaseriesError('NOT_FOUND', `Cannot read ${show(path)}: ${(cause as Error).message}`, { cause });
    }
    iterable = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  } else if (source && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    iterable = source as AsyncIterable<string | Uint8Array>;
  } else {
    throw invalidInput(`ingest: expected { path }, { text } or an iterable of text, got ${show(source)}`);
  }
  const decoder = new TextDecoder('utf-8');
  // ASCII chunks (most logger files) decode ~4× faster as latin1; from the first other
  // byte on, the streaming UTF-8 decoder takes over (no ASCII chunk leaves a partial character).
  let utf8 = false;
  return {
    total,
    chunks: (async function* () {
      for await (const part of iterable) {
        if (typeof part === 'string') { yield { text: part, bytes: part.length }; continue; }
        const buf = Buffer.isBuffer(part) ? part : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
        if (!utf8 && isAscii(buf)) yield { text: buf.toString('latin1'), bytes: buf.length };
        else {
          utf8 = true;
          yield { text: decoder.decode(buf, { stream: true }), bytes: buf.length };
        }
      }
      const tail = decoder.decode();
      if (tail) yield { text: tail, bytes: 0 };
    })(),
  };
}

async function jsonRecords(sample: string, rest: AsyncIterable<string>, label: string): Promise<Record<string, unknown>[]> {
  const parts = [sample];
  for await (const t of rest) parts.push(t);
  let parsed: unknown;
  try {
    parsed = JSON.parse(parts.join(''));
  } catch (cause) {
    throw invalidInput(`${label}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!Array.isArray(parsed)) throw invalidInput(`${label}: expected a JSON array of records, got ${show(parsed)}`);
  return parsed as Record<string, unknown>[];
}

async function* ndjsonRecords(sample: string, rest: AsyncIterable<string>, label: string): AsyncGenerator<Record<string, unknown>> {
  let buf = sample;
  let line = 0;
  const take = function* (final: boolean): Generator<Record<string, unknown>> {
    let pos = 0;
    for (;;) {
      let nl = buf.indexOf('\n', pos);
      if (nl < 0) { if (!final || pos >= buf.length) break; nl = buf.length; }
      line++;
      const text = buf.slice(pos, nl).trim();
      pos = nl + 1;
      if (text === '') continue;
      try {
        yield JSON.parse(text) as Record<string, unknown>;
      } catch (cause) {
        throw invalidInput(`${label}, line ${line}: not valid JSON (${(cause as Error).message})`, { cause });
      }
    }
    buf = buf.slice(Math.min(pos, buf.length));
  };
  for await (const t of rest) { yield* take(false); buf += t; }
  yield* take(true);
}

type Kind = 0 | 1 | 2 | 3 | 4; // skip, number, text, time, time part
const SKIP = 0, NUM = 1, TEXT = 2, TIME = 3, PART = 4;

/** Receives rows (as text ranges or field arrays) and fills typed columns. */
class RowSink {
  count = 0;
  private readonly kinds: Kind[];
  private readonly numbers: (NumberColumn | null)[];
  private readonly texts: (TextColumn | null)[];
  private readonly ints: boolean[];
  private readonly missingText: Set<string>[];
  private readonly missingNum: number[][];
  private readonly times: NumberColumn;
  private readonly parse: TimeParser;
  private readonly parts: string[] = [];
  private readonly partCount: number;
  private readonly onBad: 'error' | 'skip' | 'nan';
  private readonly dec: number;
  private readonly delim: string;
  private bad = 0;
  private readonly badFirst: BadRow[] = [];
  private rowBad = false;
  private line = 0;
  private capacity = 0;

  constructor(
    readonly names: string[],
    readonly detection: IngestDetection,
    private readonly mapping: CheckedMapping,
    missing: ReadonlySet<string>,
    private readonly label: string,
    /** Rows expected (from the file size and the sample's bytes per row): columns start that big, so the peak stays near the result. */
    expectedRows?: number,
  ) {
    const capacity = expectedRows === undefined ? 1024 : Math.max(16, Math.ceil(expectedRows * 1.02) + 16);
    const estimated = expectedRows !== undefined;
    this.times = new NumberColumn(capacity, estimated);
    const timeCols = [detection.timeColumn].flat();
    this.partCount = timeCols.length;
    this.kinds = names.map((n) => (timeCols.includes(n) ? (timeCols.length > 1 ? PART : TIME) : detection.columns[n] === undefined ? SKIP : detection.columns[n] === 'str' ? TEXT : NUM));
    this.numbers = names.map((_, i) => (this.kinds[i] === NUM ? new NumberColumn(capacity, estimated) : null));
    this.texts = names.map((_, i) => (this.kinds[i] === TEXT ? new TextColumn() : null));
    this.ints = names.map((n) => detection.columns[n] === 'int64');
    this.missingText = names.map((n) => new Set([...missing, ...(mapping.columns?.[n]?.missing ?? [])]));
    this.missingNum = this.missingText.map((set) => [...set].map((m) => parseDecimal(m, 0, m.length, 46)).filter((x) => !Number.isNaN(x)));
    this.parse = timeParser(detection.timeFormat, detection.timezone);
    this.onBad = mapping.onBadRow ?? 'error';
    this.dec = detection.decimal.charCodeAt(0);
    this.delim = detection.delimiter ?? '\u0001';
  }

  /** Rows from JSON records: the same detection as CSV, over the records' values. */
  static async fromRecords(records: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>, format: 'json' | 'ndjson', mapping: CheckedMapping, missing: ReadonlySet<string>, label: string): Promise<RowSink> {
    const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    const D = '\u0001';
    let sink: RowSink | null = null;
    const head: Record<string, unknown>[] = [];
    let names: string[] = [];
    let line = 0;
    const start = (): RowSink => {
      const seen = new Set<string>();
      for (const r of head) for (const k of Object.keys(r)) seen.add(k);
      names = [...seen];
      const lines = [names.join(D), ...head.map((r) => names.map((n) => cell(r[n]).replaceAll('"', "'")).join(D))];
      const { detection, hasOffset } = detectCsv({ lines, mapping: { ...mapping, delimiter: D, skipRows: 0, headerRows: 1 }, missing });
      const s = new RowSink(names, { ...detection, format, delimiter: null, timezone: zoneFor(mapping, detection.timeFormat, hasOffset) }, mapping, missing, label);
      for (const [i, r] of head.entries()) s.addFields(names.map((n) => cell(r[n])), i + 1);
      return s;
    };
    for await (const r of records as AsyncIterable<Record<string, unknown>>) {
      line++;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw invalidInput(`${label}, record ${line}: expected an object, got ${show(r)}`);
      if (!sink) {
        head.push(r);
        if (head.length >= SAMPLE_LINES) sink = start();
        continue;
      }
      sink.addFields(names.map((n) => cell(r[n])), line);
    }
    if (!sink) {
      if (head.length === 0) throw invalidInput(`${label}: no records`);
      sink = start();
    }
    return sink;
  }

  /** Parse CSV text chunk by chunk; `sample` is the start already read. */
  async readCsv(sample: string, rest: AsyncIterable<string>): Promise<void> {
    let skip = this.detection.skipRows + this.detection.headerRows;
    let buf = sample;
    let nextQuote = -2;
    const run = (final: boolean): void => {
      const text = buf, n = text.length;
      let pos = 0;
      nextQuote = -2;
      while (pos < n) {
        let nl = text.indexOf('\n', pos);
        if (nl < 0) { if (!final) break; nl = n; }
        if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
        if (nextQuote >= 0 && nextQuote < nl) {
          // A quoted record: may hold delimiters and newlines.
          const end = recordEnd(text, pos);
          if (end < 0 && !final) break;
          const stop = end < 0 ? n : end;
          let record = text.slice(pos, stop);
          if (record.endsWith('\r')) record = record.slice(0, -1);
          const startLine = this.line + 1;
          for (let k = record.indexOf('\n'); k >= 0; k = record.indexOf('\n', k + 1)) this.line++;
          this.line++;
          if (skip > 0) skip--;
          else this.addFields(splitLine(record, this.delim), startLine);
          pos = stop + 1;
          continue;
        }
        let e = nl;
        if (e > pos && text.charCodeAt(e - 1) === 13) e--;
        this.line++;
        if (skip > 0) skip--;
        else if (e > pos) this.addLine(text, pos, e);
        pos = nl + 1;
      }
      buf = pos >= n ? '' : text.slice(pos);
    };
    for await (const t of rest) {
      run(false);
      buf += t;
    }
    run(true);
  }

  private addLine(text: string, s: number, e: number): void {
    const n = this.kinds.length;
    const row = this.count;
    if (row >= this.capacity) this.grow(row);
    this.rowBad = false;
    let pos = s;
    for (let c = 0; c < n; c++) {
      let j: number;
      if (c < n - 1) {
        j = text.indexOf(this.delim, pos);
        if (j < 0 || j > e) return this.fieldCount(c + 1, text.slice(s, e));
      } else {
        j = text.indexOf(this.delim, pos);
        if (j >= 0 && j < e) return this.fieldCount(n + 1 + countOf(text, this.delim, j + 1, e), text.slice(s, e));
        j = e;
      }
      if (!this.cell(c, text, pos, j, row)) return;
      pos = j + 1;
    }
    this.finishRow(row);
  }

  addFields(fields: string[], line: number): void {
    if (line > this.line) this.line = line;
    const save = this.line;
    this.line = line;
    const row = this.count;
    if (row >= this.capacity) this.grow(row);
    this.rowBad = false;
    if (fields.length !== this.kinds.length) { this.fieldCount(fields.length, fields.join(this.delim)); this.line = save; return; }
    for (let c = 0; c < fields.length; c++) {
      const f = fields[c]!;
      if (!this.cell(c, f, 0, f.length, row)) { this.line = save; return; }
    }
    this.finishRow(row);
    this.line = save;
  }

  private fieldCount(got: number, text: string): void {
    this.reject(this.names[Math.min(got, this.names.length - 1)] ?? '', text, `expected ${this.names.length} fields, got ${got}`, true);
  }

  /** One cell; false when the row is dropped. */
  private cell(c: number, text: string, s: number, e: number, row: number): boolean {
    switch (this.kinds[c]) {
      case NUM: {
        const col = this.numbers[c]!;
        let x = parseDecimal(text, s, e, this.dec);
        if (x !== x) {
          const t = text.slice(s, e).trim();
          if (!this.missingText[c]!.has(t) && !isNanText(t)) {
            if (!this.reject(this.names[c]!, t, `is not a number`, false)) return false;
          } else if (this.ints[c]) {
            if (!this.reject(this.names[c]!, t, 'is missing, and an int64 column cannot hold NaN (use dtype float64)', false)) return false;
          }
        } else {
          const miss = this.missingNum[c]!;
          for (let k = 0; k < miss.length; k++) if (x === miss[k]) x = Number.NaN;
          if (this.ints[c] && !Number.isInteger(x) && x === x && !this.reject(this.names[c]!, text.slice(s, e), 'is not an integer', false)) return false;
        }
        col.data[row] = x;
        return true;
      }
      case TEXT: {
        const col = this.texts[c]!;
        const t = text.slice(s, e);
        col.data[row] = this.missingText[c]!.has(t.trim()) ? null : t;
        return true;
      }
      case TIME: {
        const us = this.parse(text, s, e);
        if (us !== us) return this.reject(this.names[c]!, text.slice(s, e), `is not a ${this.detection.timeFormat} timestamp`, true);
        this.times.data[row] = us;
        return true;
      }
      case PART:
        this.parts.push(text.slice(s, e).trim());
        if (this.parts.length === this.partCount) {
          const joined = this.parts.join(' ');
          this.parts.length = 0;
          const us = this.parse(joined, 0, joined.length);
          if (us !== us) return this.reject([this.detection.timeColumn].flat().join(' + '), joined, `is not a ${this.detection.timeFormat} timestamp`, true);
          this.times.data[row] = us;
        }
        return true;
      default:
        return true;
    }
  }

  private finishRow(_row: number): void {
    // Setting an array's length costs per row: only the date+time case collects parts.
    if (this.partCount > 1 && this.parts.length > 0) this.parts.length = 0;
    this.count++;
  }

  /** Room for row `row` in every column, checked once per row. */
  private grow(row: number): void {
    this.times.ensure(row);
    for (const c of this.numbers) c?.ensure(row);
    for (const c of this.texts) c?.ensure(row);
    this.capacity = this.times.data.length;
  }

  /**
   * A bad cell: throw (onBadRow 'error'), or record it and say whether the row goes on
   * (`nan` keeps it with NaN, unless the whole row is unusable).
   */
  private reject(column: string, text: string, reason: string, wholeRow: boolean): boolean {
    if (this.parts.length > 0) this.parts.length = 0;
    if (this.onBad === 'error') {
      throw invalidInput(`${this.label}, line ${this.line}, column ${show(column)}: ${show(text.length > 80 ? `${text.slice(0, 77)}...` : text)} ${reason.startsWith('expected') ? `— ${reason}` : reason} (pass onBadRow: 'skip' or 'nan', or list the text under missing)`);
    }
    if (!this.rowBad || this.onBad === 'nan') {
      this.bad++;
      if (this.badFirst.length < 100) this.badFirst.push({ line: this.line, column, text, reason });
    }
    this.rowBad = true;
    return this.onBad === 'nan' && !wholeRow;
  }

  report(): BadRowReport {
    return { count: this.bad, first: this.badFirst };
  }

  /** Signals (one per kept column) in a new dataset, or added to `into`. */
  build(into: Dataset | undefined, datasetName: string): { dataset: Dataset; signals: string[] } {
    const n = this.count;
    const times = this.times.result(n);
    const index = new DatetimeIndex(times, { tz: this.detection.timezone });
    const made: Signal[] = [];
    const used = new Set<string>();
    for (const [c, name] of this.names.entries()) {
      const kind = this.kinds[c];
      if (kind !== NUM && kind !== TEXT) continue;
      const m = this.mapping.columns?.[name] ?? {};
      let signalName = (m.signal ?? name).replace(/[_/\\]/g, '-').trim() || `col${c + 1}`;
      for (let k = 2; used.has(signalName); k++) signalName = `${(m.signal ?? name).replace(/[_/\\]/g, '-')}-${k}`;
      used.add(signalName);
      const dtype = kind === TEXT ? 'str' : this.ints[c] ? 'int64' : 'float64';
      const values = kind === TEXT ? this.texts[c]!.result(n) : this.numbers[c]!.result(n);
      const series = new Series({ index, values, name: 'RAW', dtype: dtype === 'str' ? 'object' : dtype });
      const existing = into?.signals.get(signalName) ?? into?.signals.get(`${signalName}#1`);
      if (existing) {
        existing.addSeries(series);
        made.push(existing);
        continue;
      }
      const signal = new Signal({ name: signalName, units: m.units ?? 'unit', provenance: m.provenance ?? {}, data: series });
      if (into) into.add(signal);
      made.push(signal);
    }
    if (made.length === 0) throw invalidInput(`${this.label}: no data columns left to ingest (columns: ${this.names.map((x) => show(x)).join(', ')})`);
    const dataset = into ?? new Dataset({ name: datasetName, signals: made });
    return { dataset, signals: made.map((s) => s.name) };
  }
}

/** End of a record starting at `s` (index of its `\n` outside quotes), -1 when the text ends inside quotes. */
function recordEnd(text: string, s: number): number {
  let quoted = false;
  for (let i = s; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) return i;
  }
  return quoted ? -1 : text.length;
}

function countOf(text: string, d: string, s: number, e: number): number {
  let k = 0;
  for (let j = text.indexOf(d, s); j >= 0 && j < e; j = text.indexOf(d, j + 1)) k++;
  return k;
}

/**
 * Save an ingested dataset. A new dataset must not exist yet (CONFLICT otherwise, so
 * nothing stored is overwritten); if the save fails or is cancelled, every key it
 * created is removed again.
 */
async function saveResult(dataset: Dataset, options: IngestOptions): Promise<string[]> {
  const store = options.store ? Storage.from(options.store) : options.into?.backend ?? null;
  if (!store) return [];
  const prefix = `${dataset.name}/`;
  const before = new Set(await store.listKeys(prefix));
  if (!options.into && before.size > 0) {
    throw new MetaseriesError('CONFLICT', `Dataset ${show(dataset.name)} already exists in the ${store.kind} store; ingest into it (into: await Dataset.fromBackend(store, ${show(dataset.name)})) or pick another dataset name`, { backend: store.kind });
  }
  if (!options.into || options.into.backend !== store) dataset.useBackend(store);
  try {
    await dataset.saveAll({ onlyChanged: Boolean(options.into), onProgress: options.onProgress, signal: options.signal });
  } catch (e) {
    const after = await store.listKeys(prefix).catch(() => [] as string[]);
    for (const key of after) if (!before.has(key)) await store.delete(key).catch(() => undefined);
    throw e;
  }
  return (await store.listKeys(prefix)).filter((k) => !before.has(k));
}
