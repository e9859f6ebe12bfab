import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import {
  Dataset, ingest, MetaseriesError, type Series, type SeriesMetadata, type Storage,
} from '@metaseries/core';
import { describeKeys, formatTimestamp, isCatalogKey, readCatalog, show } from '@metaseries/core/backend-kit';
import { convert, saveAs } from './convert.js';
import { openEndpoint, readableStore } from './endpoint.js';
import { exportCsv, valueText } from './export-csv.js';
import { makePrinter, type Printer } from './output.js';
import { progressReporter } from './progress-bar.js';
import { verifyStore } from './verify.js';

/** What a command needs from the process: where to write, and the cancel signal (Ctrl-C). */
export interface CliContext {
  stdout: (text: string) => void;
  signal: AbortSignal;
  /** Set by a command that found problems (verify): exit code 1 without an error message. */
  failed?: boolean;
}

interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  quiet?: boolean;
}

const STORE_FILES = ['metaseries.yaml', 'metaseries.yml', 'metaseries.json'];

/** The store argument, else $METASERIES_STORE, else a metaseries.yaml in the current folder. */
function storeSpec(spec: string | undefined): string {
  if (spec) return spec;
  if (process.env.METASERIES_STORE) return process.env.METASERIES_STORE;
  const file = STORE_FILES.find((f) => existsSync(f));
  if (file) return file;
  throw new MetaseriesError('INVALID_INPUT', `No store given: pass one (e.g. "sqlite:./plant.db"), set METASERIES_STORE, or put a ${STORE_FILES[0]} here`);
}

/** Time text of a stored key: the index's own zone. */
function timeText(us: number | null, tz: string | null): string | null {
  return us === null ? null : formatTimestamp(us, tz);
}

function tzOf(metadata: SeriesMetadata): string | null {
  return metadata.index_metadata?.time_zone ?? null;
}

function splitKey(key: string): { dataset: string; signal: string; series: string } {
  const [dataset = '', signal = '', series = ''] = key.split('/');
  return { dataset, signal, series };
}

async function withStore<T>(spec: string | undefined, body: (store: Storage) => Promise<T>): Promise<T> {
  const store = await readableStore(storeSpec(spec));
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** `location=Basin 1` → ['location', 'Basin 1']. */
function parseWhere(items: readonly string[]): [string, string][] {
  return items.map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw new MetaseriesError('INVALID_INPUT', `--where expects field=value, got ${show(w)}`);
    return [w.slice(0, i).trim(), w.slice(i + 1).trim()];
  });
}

async function listCommand(out: Printer, spec: string | undefined, o: { dataset?: string; where: string[]; range?: boolean }): Promise<void> {
  await withStore(spec, async (store) => {
    const where = parseWhere(o.where);
    const keys = (await store.listKeys(o.dataset ? `${o.dataset}/` : undefined)).filter((k) => !isCatalogKey(k) && (!o.dataset || k.startsWith(`${o.dataset}/`)));
    const catalogs = new Map<string, Awaited<ReturnType<typeof readCatalog>>>();
    if (where.length > 0) for (const d of new Set(keys.map((k) => splitKey(k).dataset))) catalogs.set(d, await readCatalog(store, d));
    const summaries = o.range ? new Map((await describeKeys(store, o.dataset ? `${o.dataset}/` : undefined)).map((s) => [s.key, s])) : null;
    const rows: Record<string, unknown>[] = [];
    for (const key of keys) {
      const { dataset, signal, series } = splitKey(key);
      if (where.length > 0) {
        const entry = catalogs.get(dataset)?.signals[signal];
        const fields: Record<string, unknown> = { dataset, signal, series, units: entry?.units, ...(entry?.provenance ?? {}) };
        if (!where.every(([k, v]) => fields[k] !== undefined && fields[k] !== null && String(fields[k]) === v)) continue;
      }
      const row: Record<string, unknown> = { dataset, signal, series };
      if (summaries) {
        const s = summaries.get(key);
        const tz = s && s.first !== null ? tzOf(await store.loadMetadata(key)) : null;
        row.length = s?.length ?? null;
        row.first = s?.dtype !== undefined && s.first !== null ? timeText(s.first, tz) : null;
        row.last = s?.dtype !== undefined && s.last !== null ? timeText(s.last, tz) : null;
      }
      rows.push(row);
    }
    out.result({ series: rows });
    if (!out.json) out.table(rows, o.range ? ['dataset', 'signal', 'series', 'length', 'first', 'last'] : ['dataset', 'signal', 'series']);
  });
}

async function infoCommand(out: Printer, spec: string, target: string): Promise<void> {
  await withStore(spec, async (store) => {
    const parts = target.split('/');
    if (parts.length >= 3) {
      const { series, metadata } = await store.load(target);
      const tz = tzOf(metadata);
      const first = series.length > 0 && series.index.kind === 'datetime' ? timeText((series.index.values as Float64Array)[0]!, tz) : null;
      const last = series.length > 0 && series.index.kind === 'datetime' ? timeText((series.index.values as Float64Array)[series.length - 1]!, tz) : null;
      const info = {
        key: target, length: series.length, dtype: series.dtype, index: metadata.index_metadata?.type ?? series.index.kind, timezone: tz,
        frequency: metadata.index_metadata?.frequency ?? null, first, last,
        steps: metadata.processing_steps.map((s) => `${s.function_info?.name ?? s.type} (${s.suffix})`),
      };
      out.result(info);
      out.record({ ...info, steps: info.steps.join(', ') || '(raw)' });
      return;
    }
    const dataset = parts[0]!;
    const catalog = await readCatalog(store, dataset);
    const keys = (await store.listKeys(`${dataset}/`)).filter((k) => !isCatalogKey(k) && splitKey(k).dataset === dataset);
    if (parts.length === 2) {
      const signal = parts[1]!;
      const mine = keys.filter((k) => splitKey(k).signal === signal);
      if (mine.length === 0) throw new MetaseriesError('NOT_FOUND', `No signal ${show(signal)} in dataset ${show(dataset)}`);
      const entry = catalog.signals[signal];
      const provenance = Object.fromEntries(Object.entries(entry?.provenance ?? {}).filter(([, v]) => v !== null));
      const info = { dataset, signal, units: entry?.units ?? null, provenance, series: mine.map((k) => splitKey(k).series) };
      out.result(info);
      out.record({ ...info, series: info.series.join(', ') });
      return;
    }
    if (keys.length === 0 && !catalog.dataset) throw new MetaseriesError('NOT_FOUND', `No dataset ${show(dataset)} in the ${store.kind} store`);
    const signals = [...new Set(keys.map((k) => splitKey(k).signal))];
    const d = catalog.dataset;
    const info = {
      dataset, description: d?.description ?? null, owner: d?.owner ?? null, project: d?.project ?? null, purpose: d?.purpose ?? null,
      signals: signals.map((s) => ({ signal: s, units: catalog.signals[s]?.units ?? null, series: keys.filter((k) => splitKey(k).signal === s).length })),
    };
    out.result(info);
    if (!out.json) {
      out.record({ dataset, description: info.description, owner: info.owner, project: info.project, purpose: info.purpose });
      out.line('');
      out.table(info.signals, ['signal', 'units', 'series']);
    }
  });
}

type CatFormat = 'csv' | 'json' | 'ndjson';

/** Print points of one series: a range, the first `head` or the last `tail` points. */
async function catCommand(ctx: CliContext, spec: string, key: string, o: { from?: string; to?: string; format: CatFormat; head?: number; tail?: number }): Promise<void> {
  await withStore(spec, async (store) => {
    const metadata = await store.loadMetadata(key);
    const tz = tzOf(metadata);
    // ISO text goes to the store as it is: the store reads it in the series' zone.
    const range = { ...(o.from === undefined ? {} : { from: o.from }), ...(o.to === undefined ? {} : { to: o.to }) };
    let series: Series;
    if (o.head !== undefined) {
      const it = store.stream(key, { chunkSize: Math.max(1, o.head), range });
      const first = await it.next();
      await it.return(undefined);
      series = first.done ? (await store.load(key)).series.slice(0, 0) : first.value.slice(0, o.head);
    } else {
      series = (o.from !== undefined || o.to !== undefined ? await store.loadRange(key, range) : await store.load(key)).series;
      if (o.tail !== undefined) series = series.slice(Math.max(0, series.length - o.tail), series.length);
    }
    const name = splitKey(key).series;
    const isTime = series.index.kind === 'datetime';
    const keyText = (i: number): string => {
      const k = series.index.kind === 'range' ? i : (series.index.values as ArrayLike<number | string>)[i]!;
      return isTime ? formatTimestamp(k as number, tz) : String(k);
    };
    const values = series.values as ArrayLike<number | string | null>;
    let buf = o.format === 'csv' ? `time,${name}\n` : o.format === 'json' ? '[' : '';
    for (let i = 0; i < series.length; i++) {
      const v = values[i]!;
      if (o.format === 'csv') buf += `${keyText(i)},${valueText(v)}\n`;
      else {
        const rec = JSON.stringify({ time: keyText(i), value: typeof v === 'number' && !Number.isFinite(v) ? null : v });
        buf += o.format === 'json' ? `${i ? ',' : ''}\n  ${rec}` : `${rec}\n`;
      }
      if (buf.length > 1 << 16) { ctx.stdout(buf); buf = ''; }
    }
    if (o.format === 'json') buf += series.length ? '\n]\n' : ']\n';
    ctx.stdout(buf);
  });
}

async function ingestCommand(ctx: CliContext, out: Printer, g: GlobalOptions, file: string, spec: string, o: { map?: string; dataset?: string; append?: boolean; onBadRow?: 'error' | 'skip' | 'nan' }): Promise<void> {
  const ep = await openEndpoint(spec, { destination: true });
  if (ep.kind !== 'store') throw new MetaseriesError('UNSUPPORTED', `ingest writes into a store; ${show(spec)} is an archive (ingest into a store, then export)`);
  const store = ep.storage;
  const bar = progressReporter(`ingest ${file}`, { quiet: g.quiet || g.json });
  try {
    let into: Dataset | undefined;
    const options = { mapping: o.map ? resolve(o.map) : undefined, onBadRow: o.onBadRow, onProgress: bar.onProgress, signal: ctx.signal };
    if (o.append) {
      if (!o.dataset) throw new MetaseriesError('INVALID_INPUT', '--append needs --dataset (the dataset to add to)');
      into = await Dataset.fromBackend(store, o.dataset);
    }
    const result = await ingest({ path: file }, { ...options, ...(o.dataset && !o.append ? { dataset: o.dataset } : {}), into, store });
    bar.stop();
    const summary = { dataset: result.dataset.name, rows: result.rows, signals: result.signals, keys: result.savedKeys, detected: result.detected, badRows: result.badRows };
    out.result(summary);
    if (!out.json) {
      out.line(`ingested ${result.rows} rows of ${file} into ${result.dataset.name}: ${result.signals.join(', ')}`);
      const d = result.detected;
      out.line(`detected: format ${d.format}, delimiter ${JSON.stringify(d.delimiter)}, decimal ${JSON.stringify(d.decimal)}, time ${JSON.stringify(d.timeColumn)} as ${d.timeFormat}${d.timezone ? ` in ${d.timezone}` : ''}`);
      if (result.badRows.count > 0) {
        out.line(`${result.badRows.count} bad rows (${o.onBadRow}):`);
        out.table(result.badRows.first.slice(0, 20) as unknown as Record<string, unknown>[], ['line', 'column', 'text', 'reason']);
      }
    }
  } finally {
    bar.stop();
    await store.close();
  }
}

async function exportCommand(ctx: CliContext, out: Printer, g: GlobalOptions, spec: string, dataset: string, target: string): Promise<void> {
  await withStore(spec, async (store) => {
    const bar = progressReporter(`export ${dataset}`, { quiet: g.quiet || g.json });
    try {
      if (/\.csv$/i.test(target)) {
        const { columns, rows } = await exportCsv(store, dataset, target, { onProgress: bar.onProgress, signal: ctx.signal });
        out.result({ dataset, out: target, format: 'csv', rows, columns });
        out.line(`wrote ${rows} rows × ${columns.length} series of ${dataset} to ${target}`);
        return;
      }
      const ds = await Dataset.fromBackend(store, dataset, { signal: ctx.signal });
      const path = /\.zip$/i.test(target) ? await saveAs(ds, target, { onProgress: bar.onProgress, signal: ctx.signal }) : await ds.save(target, { onProgress: bar.onProgress, signal: ctx.signal });
      out.result({ dataset, out: path, format: 'archive', signals: ds.allSignals });
      out.line(`wrote the archive of ${dataset} (${ds.allSignals.length} signals) to ${path}`);
    } finally {
      bar.stop();
    }
  });
}

async function convertCommand(ctx: CliContext, out: Printer, g: GlobalOptions, src: string, dst: string, o: { dataset?: string; force?: boolean }): Promise<void> {
  const bar = progressReporter('convert', { quiet: g.quiet || g.json });
  try {
    const report = await convert(src, dst, { dataset: o.dataset, force: o.force, onProgress: bar.onProgress, signal: ctx.signal });
    bar.stop();
    out.result({ ...report, copied: report.copied.length, skipped: report.skipped.length });
    out.line(`converted ${report.datasets.join(', ')}: ${report.copied.length} keys copied, ${report.skipped.length} already there, ${report.verified} points verified`);
  } finally {
    bar.stop();
  }
}

async function verifyCommand(ctx: CliContext, out: Printer, g: GlobalOptions, spec: string, o: { dataset?: string }): Promise<void> {
  await withStore(spec, async (store) => {
    const bar = progressReporter('verify', { quiet: g.quiet || g.json });
    const report = await verifyStore(store, { prefix: o.dataset ? `${o.dataset}/` : undefined, onProgress: bar.onProgress, signal: ctx.signal });
    bar.stop();
    out.result({ ok: report.damaged.length === 0, ...report });
    if (!out.json) {
      if (report.damaged.length === 0) out.line(`ok: ${report.keys} keys, ${report.points} points, no damage found`);
      else {
        out.line(`damaged: ${report.damaged.length} problem(s) in ${report.keys} keys`);
        out.table(report.damaged as unknown as Record<string, unknown>[], ['key', 'problem']);
      }
    }
    if (report.damaged.length > 0) ctx.failed = true;
  });
}

/**
 * Apply the store's retention policy (its config's `retention`): remove points older than
 * each rule's `keep` before `--now`, then prune versions; `--dry-run` reports what would go.
 */
async function retentionCommand(out: Printer, spec: string, o: { dryRun?: boolean; now?: string }): Promise<void> {
  const ep = await openEndpoint(storeSpec(spec));
  if (ep.kind !== 'store') throw new MetaseriesError('INVALID_INPUT', `${show(spec)} is an archive; retention applies to a store (e.g. "sqlite:./plant.db" or a config .yaml with a "retention" policy)`);
  const store = ep.storage;
  try {
    if (!store.retention) {
      throw new MetaseriesError('INVALID_INPUT', `Store ${show(spec)} has no retention policy: add "retention: [{ match: 'plant/*/RAW#*', keep: '90d' }]" to its config file, or "?retention=plant/*/RAW%23*:90d" to its URL`);
    }
    const now = o.now === undefined ? undefined : /^-?\d+$/.test(o.now.trim()) ? Number(o.now) : o.now;
    const report = await store.applyRetention({ dryRun: Boolean(o.dryRun), ...(now === undefined ? {} : { now }) });
    const rows = report.keys.map((k) => ({ key: k.key, rule: k.rule, cutoff: new Date(k.cutoff).toISOString(), points: k.points, bytes: k.bytes }));
    out.result({ dryRun: report.dryRun, keys: rows });
    if (out.json) return;
    const points = rows.reduce((n, r) => n + r.points, 0);
    if (rows.length > 0) out.table(rows, ['key', 'rule', 'cutoff', 'points', 'bytes']);
    out.line(`${report.dryRun ? 'would remove' : 'removed'} ${points} points from ${rows.length} series${report.dryRun ? ' (dry run: nothing changed)' : ''}`);
  } finally {
    await store.close();
  }
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new MetaseriesError('INVALID_INPUT', `${name} must be a non-negative integer, got ${show(v)}`);
    return n;
  };
}

/** The `metaseries` program. `ctx` carries where output goes and the cancel signal. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('metaseries')
    .description('Inspect, ingest, export, convert and verify metaseries stores and meteaudata archives')
    .version('0.1.0')
    .option('--json', 'print stable JSON instead of tables')
    .option('--debug', 'print stack traces of errors')
    .option('-q, --quiet', 'no progress output')
    .showHelpAfterError()
    .exitOverride();
  const printer = (): Printer => makePrinter(Boolean(program.opts<GlobalOptions>().json), ctx.stdout);
  const g = (): GlobalOptions => program.opts<GlobalOptions>();
  const collect = (v: string, prev: string[]): string[] => [...prev, v];

  program.command('ls').argument('[store]', 'store URL, config file or archive (default: $METASERIES_STORE or ./metaseries.yaml)')
    .description('list the series of a store: dataset, signal, series')
    .option('--dataset <name>', 'only this dataset')
    .option('--where <field=value>', 'only signals whose units or provenance field has this value (repeatable)', collect, [])
    .option('--range', 'add length, first and last timestamp')
    .action((store: string | undefined, o) => listCommand(printer(), store, o));

  program.command('info').argument('<store>').argument('<target>', 'a dataset, dataset/signal, or a key dataset/signal/series')
    .description('metadata of a dataset, a signal, or one series (length, range, zone, processing steps)')
    .action((store: string, target: string) => infoCommand(printer(), store, target));

  const formatOption = (): Option => new Option('--format <format>', 'output format').choices(['csv', 'json', 'ndjson']).default('csv');
  program.command('cat').argument('<store>').argument('<key>')
    .description('print the points of a series')
    .option('--from <time>', 'first timestamp (inclusive), ISO text in the series zone')
    .option('--to <time>', 'last timestamp (inclusive)')
    .addOption(formatOption())
    .action((store: string, key: string, o) => catCommand(ctx, store, key, o));
  program.command('head').argument('<store>').argument('<key>')
    .description('print the first points of a series')
    .option('-n, --lines <n>', 'how many points', positiveInt('-n'), 10)
    .addOption(formatOption())
    .action((store: string, key: string, o) => catCommand(ctx, store, key, { format: o.format, head: o.lines }));
  program.command('tail').argument('<store>').argument('<key>')
    .description('print the last points of a series')
    .option('-n, --lines <n>', 'how many points', positiveInt('-n'), 10)
    .addOption(formatOption())
    .action((store: string, key: string, o) => catCommand(ctx, store, key, { format: o.format, tail: o.lines }));

  program.command('ingest').argument('<file>', 'CSV/TSV/semicolon, JSON array or NDJSON file').argument('<store>')
    .description('read a logger file into a new dataset of a store (one signal per column)')
    .option('--map <mapping.yaml>', 'mapping of columns to signals, zones, missing markers (see docs/ingest.md)')
    .option('--dataset <name>', 'dataset name (default: the mapping\'s, else the file name)')
    .option('--append', 'add to the existing dataset --dataset (a new RAW series per signal)')
    .addOption(new Option('--on-bad-row <mode>', 'what to do with rows that do not parse').choices(['error', 'skip', 'nan']))
    .action((file: string, store: string, o) => ingestCommand(ctx, printer(), g(), file, store, o));

  program.command('export').argument('<store>').argument('<dataset>').argument('<out>', 'out.zip (archive), a folder (archive inside), or out.csv (one wide CSV)')
    .description('write a dataset as a meteaudata archive or a CSV file')
    .action((store: string, dataset: string, target: string) => exportCommand(ctx, printer(), g(), store, dataset, target));

  program.command('convert').argument('<src>', 'store or archive').argument('<dst>', 'store, .zip or folder')
    .description('copy every series from one store or archive to another; resumes, verifies counts')
    .option('--dataset <name>', 'only this dataset')
    .option('--force', 'copy keys the destination already has')
    .action((src: string, dst: string, o) => convertCommand(ctx, printer(), g(), src, dst, o));

  program.command('retention').argument('<store>', 'store URL or config file with a "retention" policy')
    .description('apply the store\'s retention policy: remove old points (as new versions), then prune versions')
    .option('--dry-run', 'report what would go, per series, in points and bytes; change nothing')
    .option('--now <time>', 'count back from this instant (ISO text or epoch ms; default: now)')
    .action((store: string, o) => retentionCommand(printer(), store, o));

  program.command('verify').argument('<store>')
    .description('read every key and check it against its summary and metadata; changes nothing')
    .option('--dataset <name>', 'only this dataset')
    .action((store: string, o) => verifyCommand(ctx, printer(), g(), store, o));

  return program;
}
