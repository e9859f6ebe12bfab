import { MetaseriesError, invalidInput, show } from '../errors.js';
import { commitStep } from '../files/commit.js';
import type { ProcessingStep } from '../model/processing-step.js';
import type { Dataset } from '../model/dataset.js';
import type { Signal } from '../model/signal.js';
import { TimeSeries } from '../model/time-series.js';
import { parseTsName } from '../naming.js';
import { startDayOrigin } from '../series/bins.js';
import { US_PER_DAY } from '../series/calendar.js';
import { lowerBound, upperBound } from '../series/indexes.js';
import type { Series } from '../series/series.js';
import type { Storage } from '../storage/storage.js';
import { seriesKey } from '../storage/keys.js';
import { layoutOf } from '../storage/segments/layout.js';
import { spliceRange } from '../storage/segments/merge.js';
import { incrementalFor, requireTransform, type Incremental, type KernelCheckpoint, type RegisteredTransform } from './registry.js';

/**
 * `refresh` (issue 17): bring derived series up to date with their inputs by replaying
 * the steps that made them. Same names (no `#2`), same history — nothing new was done,
 * the same step ran on more data. Incremental where the transform declares how much
 * input history a new output needs; full recomputation otherwise. Either way the
 * result equals a recomputation from scratch.
 *
 * Refresh follows appended input. After an input was updated or had points deleted
 * before a derived series' end, refresh with `{ full: true }`.
 */

export interface RefreshOptions {
  /** Report what would change without writing anything. */
  dryRun?: boolean;
  /** Recompute every derived series from scratch (after updates to inputs). */
  full?: boolean;
}

export interface RefreshedSeries {
  signal: string;
  name: string;
  /** `up-to-date`: nothing changed; `refreshed`: new points (or values) written. */
  status: 'up-to-date' | 'refreshed';
  mode: 'incremental' | 'full';
  /** Points recomputed and written (0 when up to date). */
  points: number;
}

export interface RefreshReport {
  series: RefreshedSeries[];
  dryRun: boolean;
}

/** The step that made a series: its last one, when it names inputs. */
function makingStep(ts: TimeSeries): ProcessingStep | null {
  const step = ts.processingSteps[ts.processingSteps.length - 1];
  return step && step.inputSeriesNames.length > 0 ? step : null;
}

/** A derived series to refresh: the signal that holds it, the step that made it and that step's input series. */
interface Node {
  signal: Signal;
  ts: TimeSeries;
  step: ProcessingStep;
}

/**
 * Derived series in dependency order (inputs first). `find` resolves an input name —
 * within one signal for `signal.refresh`, across signals for `dataset.refresh` (steps of
 * dataset-level transforms such as `averageSignals`). A series whose inputs cannot all be
 * found is not replayed. `only`: those series and everything they depend on.
 */
function orderNodes(signals: Iterable<Signal>, find: (name: string) => TimeSeries | undefined, only?: ReadonlySet<string>): Node[] {
  const nodes = new Map<string, Node>();
  for (const signal of signals) {
    for (const ts of signal.timeSeries.values()) {
      const step = makingStep(ts);
      if (!step || step.inputSeriesNames.includes(ts.name)) continue;
      if (step.inputSeriesNames.every((n) => find(n) !== undefined)) nodes.set(ts.name, { signal, ts, step });
    }
  }
  const out: Node[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    const node = nodes.get(name);
    if (!node || state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new MetaseriesError('CORRUPT_DATA', `Series ${show(name)} depends on itself through its recorded steps`);
    state.set(name, 'visiting');
    for (const input of node.step.inputSeriesNames) visit(input);
    state.set(name, 'done');
    out.push(node);
  };
  for (const name of only ?? nodes.keys()) visit(name);
  return out;
}

/** The output of a replay that corresponds to `ts` (by operation name, else the only one). */
function matchingOutput(outputs: Array<{ series: Series }>, ts: TimeSeries): Series {
  const base = parseTsName(ts.name).base;
  const found = outputs.find((o) => parseTsName(o.series.name ?? '').base === base) ?? (outputs.length === 1 ? outputs[0] : undefined);
  if (!found) throw new MetaseriesError('CORRUPT_DATA', `Replaying the step of ${show(ts.name)} gave no output named like it (${outputs.map((o) => show(o.series.name)).join(', ')})`);
  return found.series;
}

/** Last key of a series, or null when empty or not keyed. */
function lastKey(s: Series): number | null {
  if (s.length === 0 || s.index.kind === 'string') return null;
  return s.index.values[s.length - 1] as number;
}

/**
 * Reads of one series for a refresh: from memory when loaded, else by range from its
 * store, so a refresh reads the tail it needs and not ten years of data.
 */
class Access {
  private whole: Series | null;
  /** The last range read: later reads from a key inside it are sliced from it (each store read decodes whole segments). */
  private cached: { from: number; series: Series } | null = null;
  constructor(private readonly ts: TimeSeries) {
    this.whole = ts.isLoaded ? ts.series : null;
  }

  async load(): Promise<Series> {
    this.whole ??= await this.ts.load();
    return this.whole;
  }

  /** First and last timestamp (null when empty, or not a sorted datetime index), from the store's head record when not loaded. */
  async bounds(): Promise<{ first: number | null; last: number | null }> {
    const none = { first: null, last: null };
    if (this.whole) {
      const index = this.whole.index;
      return index.kind === 'datetime' && index.orderInfo().sorted ? { first: firstKey(this.whole), last: lastKey(this.whole) } : none;
    }
    const { storage, key } = this.stored();
    const v2 = storage?.segments;
    if (v2 && key) {
      const head = await v2.resolve(key);
      return head.layout.keyed && head.layout.indexKind === 'datetime' ? { first: head.first, last: head.last } : none;
    }
    this.whole = await this.load();
    return this.bounds();
  }

  /** Points with keys ≥ from. */
  async from(from: number): Promise<Series> {
    if (this.whole) return tailFrom(this.whole, from);
    if (this.cached && from >= this.cached.from) return tailFrom(this.cached.series, from);
    const series = await this.ts.storageState().container.loadRange({ from });
    this.cached = { from, series };
    return series;
  }

  private stored(): { storage: Storage | null; key: string | null } {
    const container = this.ts.storageState().container;
    return { storage: container.storedIn, key: container.storageKey };
  }
}

function firstKey(s: Series): number | null {
  return s.length === 0 || s.index.kind === 'string' ? null : (s.index.values[0] as number);
}

/** Points of `s` with keys ≥ from. */
function tailFrom(s: Series, from: number): Series {
  if (s.index.kind === 'string') return s;
  return s.slice(lowerBound(s.index.values as Float64Array, from));
}

/**
 * Where an incremental replay starts: the first output key to recompute and the input
 * it needs (read from `inputFrom`), given `changedFrom` — the first input key whose
 * value may differ from what the stored output was computed from (after the output's
 * end for appended data; an upstream series' own restart point when it was refreshed in
 * this run). Reads the input back from `changedFrom` only as far as the transform needs.
 * Null: recompute fully.
 */
async function restartPoint(incremental: Incremental, params: unknown, input: Access, output: Access, outLast: number, changedFrom: number, inputFirst: number):
  Promise<{ from: number; input: Series } | null> {
  switch (incremental.kind) {
    case 'pointwise':
      return { from: changedFrom, input: await input.from(changedFrom) };
    case 'bins': {
      const w = incremental.width(params as never);
      // Bins restart on the same grid only when the width divides a day (pandas anchors bins at the first day's midnight).
      if (w === null || !(w > 0) || US_PER_DAY % w !== 0) return null;
      // The stored bin holding `changedFrom` (every bin from the first is stored, empty ones too), or the last one.
      let from = outLast;
      if (changedFrom < outLast) {
        const tail = await output.from(Math.min(outLast, changedFrom) - w);
        const keys = tail.index.values as Float64Array;
        if (keys.length) from = keys[Math.max(0, upperBound(keys, changedFrom) - 1)]!;
      }
      const got = await input.from(from);
      // A zoned tail that starts after a DST change has its midnight an hour off the first
      // day's: its bins would shift unless the width divides that difference.
      const tz = got.index.kind === 'datetime' ? got.index.tz : null;
      if (got.length && (startDayOrigin(got.index.values[0] as number, tz) - startDayOrigin(inputFirst, tz)) % w !== 0) return null;
      return { from, input: got };
    }
    case 'lookback': {
      const points = incremental.points?.(params as never) ?? 0;
      const duration = incremental.duration?.(params as never) ?? 0;
      let start = changedFrom - duration;
      // Widen the read until it holds `points - 1` points before the change (or the whole input).
      for (let span = Math.max(1, duration); ; span *= 4) {
        start = Math.min(start, changedFrom - span);
        const got = await input.from(start);
        const keys = got.index.values as Float64Array;
        const before = lowerBound(keys, changedFrom);
        if (before >= points - 1 || start <= inputFirst) {
          // Keep what either bound needs: `points - 1` points before the change, and the duration before it.
          const byPoints = Math.max(0, before - Math.max(0, points - 1));
          const byDuration = lowerBound(keys, changedFrom - duration);
          return { from: changedFrom, input: got.slice(Math.min(byPoints, byDuration)) };
        }
      }
    }
    case 'lastValid': {
      for (let span = 1; ; span *= 4) {
        const start = changedFrom - span * 3_600_000_000;
        const got = await input.from(start);
        const values = got.values;
        if (!(values instanceof Float64Array)) return null;
        const keys = got.index.values as Float64Array;
        let q = lowerBound(keys, changedFrom) - 1;
        while (q >= 0 && Number.isNaN(values[q]!)) q--;
        if (q >= 0) {
          // `after`: the output at the valid point itself exists only relative to an earlier one (gap flags).
          const from = incremental.after ? keys[q + 1]! : keys[q]!;
          return { from, input: got.slice(q) };
        }
        if (start <= inputFirst) return null;
      }
    }
    case 'resumable':
    case 'full':
      return null;
  }
}

async function replay(reg: RegisteredTransform, step: ProcessingStep, inputs: Series[]): Promise<Array<{ series: Series }>> {
  const { transform, params } = reg.fromParameters(step.parameters === null ? null : (step.parameters.toDict() as Record<string, unknown>));
  return transform(inputs, params);
}

/**
 * Refresh the derived series of one signal (or `tsName` and what it depends on).
 * With a store bound, changed series are written to it as new storage versions of the
 * same keys (only the recomputed tail when incremental).
 */
export async function refreshSignal(signal: Signal, tsName: string | undefined, options: RefreshOptions = {}): Promise<RefreshReport> {
  if (tsName !== undefined && !signal.timeSeries.has(tsName)) {
    throw invalidInput(`No series ${show(tsName)} in signal ${show(signal.name)}; available: [${signal.allTimeSeries.join(', ')}]`);
  }
  // Only steps whose inputs all live in this signal are replayed here (dataset-level steps are the dataset's).
  const find = (name: string): TimeSeries | undefined => signal.timeSeries.get(name);
  return refreshNodes(orderNodes([signal], find, tsName === undefined ? undefined : new Set([tsName])), find, options);
}

/**
 * Refresh the derived series of a dataset's signals (all, or `signalNames`), in
 * dependency order across signals: a series made by a dataset-level step (an
 * `averageSignals` output from two signals) is refreshed after its inputs, and what was
 * derived from it after it.
 */
export async function refreshDataset(dataset: Dataset, signalNames: readonly string[] | undefined, options: RefreshOptions = {}): Promise<RefreshReport> {
  const signals = (signalNames ?? [...dataset.signals.keys()]).map((name) => {
    const signal = dataset.signals.get(name);
    if (!signal) throw invalidInput(`No signal ${show(name)} in dataset ${show(dataset.name)}; available: [${[...dataset.signals.keys()].join(', ')}]`);
    return signal;
  });
  const find = (name: string): TimeSeries | undefined => dataset.signals.get(parseTsName(name).signal)?.timeSeries.get(name);
  // With `signals`, their series and what those depend on (in other signals too).
  const only = signalNames === undefined ? undefined : new Set(signals.flatMap((s) => s.allTimeSeries));
  return refreshNodes(orderNodes(dataset.signals.values(), find, only), find, options);
}

/** The refresh record kept in a refreshed series' metadata (`metaseries_refresh`). */
interface RefreshRecord {
  at: string;
  /** The storage version of each input this refresh read (null without a store). */
  inputs: Record<string, number | null>;
  /** The last key (epoch µs) of each input this refresh read: where appended input starts next time. */
  input_ends_us?: Record<string, number | null>;
  /**
   * The first key (epoch µs) whose value this refresh may have changed; null: any (a
   * full recompute). A series derived from this one and not refreshed since (a crash
   * between the two commits) recomputes from there.
   */
  changed_from_us?: number | null;
  /** Saved kernel states of a resumable transform (rolling sums), newest last: the next refresh continues from one. */
  kernel?: KernelCheckpoint[];
}

/** Kernel checkpoints kept per series (old ones are dropped first; without one before a change, refresh recomputes fully). */
const MAX_CHECKPOINTS = 24;

function recordOf(ts: TimeSeries): Partial<RefreshRecord> {
  const record = ts.extraMetadata.metaseries_refresh;
  return record !== null && typeof record === 'object' ? (record as Partial<RefreshRecord>) : {};
}

/**
 * Per input: the first key changed by refreshes of it that `ts` has not followed (a crash
 * between the two commits) — appends are found after the input's end. Versions `ts`
 * followed: up to the one its refresh record names, else those committed no later than its
 * own head. A version written by a refresh says where it changed (`changed_from_us`, null:
 * anywhere). Other writes (updates by hand, retention's deleteRange) are not followed, as
 * documented: after those, refresh with `{ full: true }`.
 * Without a store (or not stored there): Infinity, nothing beyond what this run knows.
 */
async function unseenChanges(ts: TimeSeries, inputs: TimeSeries[]): Promise<number[]> {
  const storedKey = (t: TimeSeries): { storage: Storage; key: string } | null => {
    const container = t.storageState().container;
    return container.storedIn?.segments && container.storageKey ? { storage: container.storedIn, key: container.storageKey } : null;
  };
  const out = storedKey(ts);
  if (!out) return inputs.map(() => Infinity);
  const recorded = recordOf(ts).inputs ?? {};
  let outCreated: Date | null = null;
  return Promise.all(inputs.map(async (t) => {
    const input = storedKey(t);
    if (!input || input.storage !== out.storage) return Infinity;
    const versions = await input.storage.versions(input.key);
    let seen = recorded[t.name];
    if (typeof seen !== 'number') {
      outCreated ??= (await out.storage.versions(out.key)).at(-1)?.createdAt ?? new Date(0);
      seen = versions.filter((v) => v.createdAt <= outCreated!).at(-1)?.version ?? 0;
    }
    let from = Infinity;
    for (const v of versions) {
      // Refresh writes with `update` (a tail) or `save` (whole); appends are found after the input's end.
      if (v.version <= seen || (v.operation !== 'update' && v.operation !== 'save')) continue;
      const record = (await input.storage.loadMetadata(input.key, { asOf: v.version })).metaseries_refresh as Partial<RefreshRecord> | undefined;
      if (record?.changed_from_us === null) return -Infinity;
      if (typeof record?.changed_from_us === 'number') from = Math.min(from, record.changed_from_us);
    }
    return from;
  }));
}

/** First key of `input` after `end` (Infinity when none). */
async function firstAfter(input: Access, bounds: { last: number | null }, end: number): Promise<number> {
  if (bounds.last === null || !(bounds.last > end)) return Infinity;
  // Read from `end` itself: a restart at the output's last key (a resample's open bin) then reuses this read.
  const keys = (await input.from(end)).index.values as Float64Array;
  return keys[upperBound(keys, end)]!;
}

async function refreshNodes(nodes: readonly Node[], find: (name: string) => TimeSeries | undefined, options: RefreshOptions): Promise<RefreshReport> {
  const report: RefreshReport = { series: [], dryRun: options.dryRun ?? false };
  // Per series refreshed in this run: the first key whose value may have changed (-Infinity: all of them).
  const changed = new Map<string, number>();
  for (const { signal, ts, step } of nodes) {
    // Inputs as they are now: an upstream series refreshed earlier in this run was replaced by its refreshed self.
    const inputTs = step.inputSeriesNames.map((n) => find(n)!);
    const reg = requireTransform(step, ts.name);
    // The incremental spec reads the parameters the step recorded (what fromParameters rebuilds the transform from).
    const params = step.parameters === null ? null : (step.parameters.toDict() as Record<string, unknown>);
    const output = new Access(ts);
    const inputs = inputTs.map((t) => new Access(t));
    const entry = { signal: signal.name, name: ts.name };
    let tail: { from: number; series: Series } | null = null;
    let whole: Series | null = null;
    let kernel: KernelCheckpoint[] | undefined;
    const incremental = incrementalFor(reg, params);
    const inBounds = await Promise.all(inputs.map((i) => i.bounds()));
    // Where each input changed since `ts` was computed, beyond appends: refreshed in this run, or by a refresh that stopped (crash) before `ts`.
    const unseen = options.full ? [] : await unseenChanges(ts, inputTs);
    const upstream = inputTs.map((t, i) => Math.min(changed.get(t.name) ?? Infinity, unseen[i] ?? Infinity));
    if (!options.full && incremental.kind !== 'full') {
      const outBounds = await output.bounds();
      const ends = recordOf(ts).input_ends_us;
      if (outBounds.last !== null && inBounds.every((b) => b.first !== null && b.last !== null)) {
        let changedFrom: number | null = null;
        if (inputs.length === 1) {
          // Appended input: the first point after the stored output's end.
          changedFrom = Math.min(upstream[0]!, await firstAfter(inputs[0]!, inBounds[0]!, outBounds.last));
        } else if (incremental.kind === 'pointwise' && ends && inputTs.every((t) => typeof ends[t.name] === 'number')) {
          // Several inputs (an average across signals): each appended after the end the last refresh read from it.
          changedFrom = Infinity;
          for (const [i, t] of inputTs.entries()) {
            changedFrom = Math.min(changedFrom, upstream[i]!, await firstAfter(inputs[i]!, inBounds[i]!, ends[t.name]!));
          }
        }
        if (changedFrom === Infinity) {
          report.series.push({ ...entry, status: 'up-to-date', mode: 'incremental', points: 0 });
          continue;
        }
        if (changedFrom !== null && Number.isFinite(changedFrom)) {
          if (incremental.kind === 'resumable') {
            // Continue the kernel from the latest state saved before the first changed input point.
            const from = changedFrom;
            const saved = recordOf(ts).kernel ?? [];
            const cp = saved.filter((c) => c.at_us < from && c.at_us <= outBounds.last!).at(-1);
            const input = cp ? await inputs[0]!.from(cp.from_us) : null;
            if (cp && input && cp.offset < input.length && input.index.values[cp.offset] === cp.at_us) {
              const run = incremental.resume(params, input.rename(inputTs[0]!.name), cp);
              const first = run.series.length ? (run.series.index.values[0] as number) : Infinity;
              // A first new key equal to the checkpoint's (duplicate keys) would not splice cleanly: recompute fully instead.
              if (first > cp.at_us && Number.isFinite(first)) {
                tail = { from: first, series: run.series.rename(ts.name) };
                kernel = [...saved.filter((c) => c.at_us <= cp.at_us), ...run.checkpoints].slice(-MAX_CHECKPOINTS);
              }
            }
          } else if (inputs.length === 1) {
            const plan = await restartPoint(incremental, params, inputs[0]!, output, outBounds.last, changedFrom, inBounds[0]!.first!);
            if (plan) tail = { from: plan.from, series: tailFrom(matchingOutput(await replay(reg, step, [plan.input]), ts), plan.from).rename(ts.name) };
          } else {
            const from = changedFrom;
            const tails = await Promise.all(inputs.map(async (i, k) => (await i.from(from)).rename(inputTs[k]!.name)));
            tail = { from, series: tailFrom(matchingOutput(await replay(reg, step, tails), ts), from).rename(ts.name) };
          }
        }
      }
    }
    if (tail) {
      // A tail that reaches past the stored end changed for sure; else compare it with what is stored.
      const outLast = (await output.bounds()).last;
      if (!(outLast !== null && tail.series.length > 0 && (lastKey(tail.series) ?? -Infinity) > outLast) && tail.series.equals(await output.from(tail.from))) {
        report.series.push({ ...entry, status: 'up-to-date', mode: 'incremental', points: 0 });
        continue;
      }
      changed.set(ts.name, tail.from);
    } else {
      const loaded = await Promise.all(inputTs.map(async (t) => (await t.load()).rename(t.name)));
      if (incremental.kind === 'resumable' && loaded.length === 1) {
        // The whole kernel run, saving its states for the next refresh.
        const run = incremental.resume(params, loaded[0]!, null);
        whole = run.series.rename(ts.name);
        kernel = run.checkpoints.slice(-MAX_CHECKPOINTS);
      } else whole = matchingOutput(await replay(reg, step, loaded), ts).rename(ts.name);
      if (whole.equals(await output.load())) {
        // Values unchanged; still recorded (once) where several inputs ended, or a kernel's saved states, so the next refresh can be incremental.
        if ((inputs.length === 1 && (kernel === undefined || recordOf(ts).kernel !== undefined)) || report.dryRun || sameEnds(recordOf(ts).input_ends_us, inputTs, inBounds)) {
          report.series.push({ ...entry, status: 'up-to-date', mode: 'full', points: 0 });
          continue;
        }
      } else changed.set(ts.name, -Infinity);
    }
    report.series.push({ ...entry, status: 'refreshed', mode: tail ? 'incremental' : 'full', points: (tail?.series ?? whole!).length });
    if (report.dryRun) continue;
    const ends: Record<string, number | null> = {};
    for (const [i, t] of inputTs.entries()) ends[t.name] = inBounds[i]!.last;
    await commitRefresh(signal, ts, tail, whole, inputTs, { input_ends_us: ends, changed_from_us: tail ? tail.from : null, ...(kernel ? { kernel } : {}) });
    // A point between two series' commits, where the crash tests kill a refresh (free unless they ask).
    commitStep(`refresh-committed ${ts.name}`);
  }
  return report;
}

function sameEnds(recorded: Record<string, number | null> | undefined, inputs: TimeSeries[], bounds: Array<{ last: number | null }>): boolean {
  return recorded !== undefined && inputs.every((t, i) => recorded[t.name] === bounds[i]!.last);
}

/**
 * Write a refreshed series: same name and history, values replaced (the tail when
 * incremental); a record of the refresh in its metadata. A stored series stays lazy.
 */
async function commitRefresh(signal: Signal, ts: TimeSeries, tail: { from: number; series: Series } | null, whole: Series | null, inputs: TimeSeries[], extra: Omit<RefreshRecord, 'at' | 'inputs'>): Promise<void> {
  const binding = signal.binding;
  const metadata = ts.metadataDict();
  const inputVersions: Record<string, number | null> = {};
  const keyOf = (t: TimeSeries): string | null => {
    const container = t.storageState().container;
    return container.storedIn === binding?.storage ? container.storageKey : null;
  };
  if (binding?.storage.segments) {
    for (const input of inputs) {
      const key = keyOf(input) ?? seriesKey(binding.datasetName, parseTsName(input.name).signal, input.name);
      const versions = (await binding.storage.exists(key)) ? await binding.storage.versions(key) : [];
      inputVersions[input.name] = versions.length ? versions[versions.length - 1]!.version : null;
    }
  }
  const record: RefreshRecord = { at: new Date().toISOString(), inputs: inputVersions, ...extra };
  metadata.metaseries_refresh = record;
  const key = binding ? seriesKey(binding.datasetName, signal.name, ts.name) : null;
  if (binding?.autoSave && key) {
    const stored = ts.storageState().container;
    if (tail && tail.series.length > 0 && ((stored.storedIn === binding.storage && stored.storageKey === key) || (await binding.storage.exists(key)))) {
      // Only the recomputed tail: the store rewrites the segments it touches (one new version, same key).
      await binding.storage.update(key, tail.series, metadata);
    } else await binding.storage.save(key, whole ?? spliceRange(await ts.load(), tail!.from, Infinity, tail!.series, layoutOf(await ts.load())), metadata);
    if (!ts.isLoaded) {
      signal.timeSeries.set(ts.name, TimeSeries.fromMetadata(ts.name, metadata, binding.storage, key));
      return;
    }
  }
  const loaded = await ts.load();
  const next = whole ?? spliceRange(loaded, tail!.from, Infinity, tail!.series, layoutOf(loaded));
  const fresh = TimeSeries.fromStored(next, metadata);
  if (binding?.autoSave && key) {
    const state = fresh.storageState();
    state.savedTo.add(binding.storage);
    state.container.bind(binding.storage, key);
  }
  signal.timeSeries.set(ts.name, fresh);
}
