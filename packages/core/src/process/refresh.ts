import { MetaseriesError, invalidInput, show } from '../errors.js';
import type { ProcessingStep } from '../model/processing-step.js';
import type { Signal } from '../model/signal.js';
import { TimeSeries } from '../model/time-series.js';
import { parseTsName } from '../naming.js';
import { US_PER_DAY } from '../series/calendar.js';
import { lowerBound, upperBound } from '../series/indexes.js';
import type { Series } from '../series/series.js';
import { seriesKey } from '../storage/keys.js';
import { layoutOf } from '../storage/segments/layout.js';
import { spliceRange } from '../storage/segments/merge.js';
import { requireTransform, type Incremental, type RegisteredTransform } from './registry.js';

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

/** Derived series of `signal` in dependency order (inputs first); each with its making step. */
export function derivedOrder(signal: Signal, only?: string): Array<{ ts: TimeSeries; step: ProcessingStep }> {
  const derived = new Map<string, { ts: TimeSeries; step: ProcessingStep }>();
  for (const ts of signal.timeSeries.values()) {
    const step = makingStep(ts);
    // Only steps whose inputs all live in this signal are replayed here (dataset-level steps are the dataset's).
    if (step && !step.inputSeriesNames.includes(ts.name) && step.inputSeriesNames.every((n) => signal.timeSeries.has(n))) derived.set(ts.name, { ts, step });
  }
  if (only !== undefined && !signal.timeSeries.has(only)) {
    throw invalidInput(`No series ${show(only)} in signal ${show(signal.name)}; available: [${signal.allTimeSeries.join(', ')}]`);
  }
  const out: Array<{ ts: TimeSeries; step: ProcessingStep }> = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    const entry = derived.get(name);
    if (!entry || state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new MetaseriesError('CORRUPT_DATA', `Series ${show(name)} depends on itself through its recorded steps`);
    state.set(name, 'visiting');
    for (const input of entry.step.inputSeriesNames) visit(input);
    state.set(name, 'done');
    out.push(entry);
  };
  if (only !== undefined) {
    // The requested series and everything it depends on.
    visit(only);
  } else for (const name of derived.keys()) visit(name);
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
 * Where an incremental replay starts: the first output key to recompute and the first
 * input key it needs, given `changedFrom` — the first input key whose value may differ
 * from what the stored output was computed from (after the output's end for appended
 * raw data; an upstream series' own restart point when it was refreshed in this run).
 * Null: recompute fully (not incremental, or nothing stored to build on).
 */
function restartPoint(incremental: Incremental, params: unknown, input: Series, output: Series, changedFrom: number): { from: number; inputFrom: number } | null {
  const outLast = lastKey(output);
  if (outLast === null || input.index.kind !== 'datetime' || output.index.kind !== 'datetime' || !input.index.orderInfo().sorted || !output.index.orderInfo().sorted) return null;
  if (!Number.isFinite(changedFrom)) return null;
  const keys = input.index.values;
  switch (incremental.kind) {
    case 'pointwise':
      return { from: changedFrom, inputFrom: changedFrom };
    case 'bins': {
      const w = incremental.width(params as never);
      // Bins restart on the same grid only when the width divides a day (pandas anchors bins at the first day's midnight).
      if (w === null || !(w > 0) || US_PER_DAY % w !== 0) return null;
      // The stored bin holding `changedFrom` (every bin from the first is stored, empty ones too), or the last one.
      const outKeys = output.index.values;
      const from = outKeys[Math.max(0, upperBound(outKeys, changedFrom) - 1)]!;
      return { from, inputFrom: from };
    }
    case 'lookback': {
      const at = lowerBound(keys, changedFrom);
      let inputFrom = changedFrom;
      const points = incremental.points?.(params as never);
      if (points !== undefined && at < keys.length) inputFrom = Math.min(inputFrom, keys[Math.max(0, at - Math.max(0, points - 1))]!);
      else if (points !== undefined && at > 0) inputFrom = Math.min(inputFrom, keys[Math.max(0, at - Math.max(0, points - 1))]!);
      const duration = incremental.duration?.(params as never);
      if (duration !== undefined) inputFrom = Math.min(inputFrom, changedFrom - duration);
      return { from: changedFrom, inputFrom };
    }
    case 'lastValid': {
      const values = input.values;
      if (!(values instanceof Float64Array)) return null;
      // The last valid input point before the change: outputs after it may change (they were not interpolable yet).
      let q = lowerBound(keys, changedFrom) - 1;
      while (q >= 0 && Number.isNaN(values[q]!)) q--;
      if (q < 0) return null;
      // `after`: the output at the valid point itself only exists relative to an earlier one (gap flags).
      return { from: incremental.after ? keys[q + 1]! : keys[q]!, inputFrom: keys[q]! };
    }
    case 'full':
      return null;
  }
}

/** Series points with keys ≥ from. */
function tailFrom(s: Series, from: number): Series {
  return s.slice(lowerBound(s.index.values as Float64Array, from));
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
  const report: RefreshReport = { series: [], dryRun: options.dryRun ?? false };
  // Per series refreshed in this run: the first key whose value may have changed (-Infinity: all of them).
  const changed = new Map<string, number>();
  for (const { ts, step } of derivedOrder(signal, tsName)) {
    const reg = requireTransform(step, ts.name);
    const inputTs = step.inputSeriesNames.map((n) => signal.timeSeries.get(n)!);
    const stored = await ts.load();
    // The incremental spec reads the parameters the step recorded (what fromParameters rebuilds the transform from).
    const params = step.parameters === null ? null : (step.parameters.toDict() as Record<string, unknown>);
    const inputsWhole = await Promise.all(inputTs.map((t) => t.load()));
    let plan: { from: number; inputFrom: number } | null = null;
    if (!options.full && inputsWhole.length === 1 && lastKey(stored) !== null && inputsWhole[0]!.index.kind !== 'string') {
      const input = inputsWhole[0]!;
      const upstream = changed.get(inputTs[0]!.name);
      // Appended input: the first point after the stored output's end.
      const keys = input.index.values as Float64Array;
      const appended = keys[upperBound(keys, lastKey(stored)!)] ?? Infinity;
      const changedFrom = upstream === undefined ? appended : Math.min(upstream, appended);
      plan = changedFrom === Infinity ? { from: Infinity, inputFrom: Infinity } : restartPoint(reg.incremental, params, input, stored, changedFrom);
    }
    let next: Series;
    let written: Series;
    if (plan && plan.from === Infinity) {
      // No input point after the output's end and no upstream change: nothing to do.
      report.series.push({ signal: signal.name, name: ts.name, status: 'up-to-date', mode: 'incremental', points: 0 });
      continue;
    }
    if (plan) {
      const input = inputsWhole[0]!;
      const slice = input.slice(lowerBound(input.index.values as Float64Array, plan.inputFrom));
      const fresh = tailFrom(matchingOutput(await replay(reg, step, [slice]), ts), plan.from).rename(ts.name);
      const old = tailFrom(stored, plan.from);
      if (fresh.equals(old)) {
        report.series.push({ signal: signal.name, name: ts.name, status: 'up-to-date', mode: 'incremental', points: 0 });
        continue;
      }
      written = fresh;
      next = spliceRange(stored, plan.from, Infinity, fresh, layoutOf(stored));
      changed.set(ts.name, plan.from);
    } else {
      next = matchingOutput(await replay(reg, step, inputsWhole), ts).rename(ts.name);
      if (next.equals(stored)) {
        report.series.push({ signal: signal.name, name: ts.name, status: 'up-to-date', mode: 'full', points: 0 });
        continue;
      }
      written = next;
      changed.set(ts.name, -Infinity);
    }
    report.series.push({ signal: signal.name, name: ts.name, status: 'refreshed', mode: plan ? 'incremental' : 'full', points: written.length });
    if (report.dryRun) continue;
    await commitRefresh(signal, ts, next, plan ? { tail: written, from: plan.from } : null, inputTs);
  }
  return report;
}

/** Write a refreshed series: same name and history, values replaced; a record of the refresh in its metadata. */
async function commitRefresh(signal: Signal, ts: TimeSeries, next: Series, tail: { tail: Series; from: number } | null, inputs: TimeSeries[]): Promise<void> {
  const binding = signal.binding;
  const metadata = ts.metadataDict();
  const inputVersions: Record<string, number | null> = {};
  if (binding) {
    for (const input of inputs) {
      const key = seriesKey(binding.datasetName, signal.name, input.name);
      const versions = binding.storage.segments && (await binding.storage.exists(key)) ? await binding.storage.versions(key) : [];
      inputVersions[input.name] = versions.length ? versions[versions.length - 1]!.version : null;
    }
  }
  metadata.metaseries_refresh = { at: new Date().toISOString(), inputs: inputVersions };
  const fresh = TimeSeries.fromStored(next, metadata);
  signal.timeSeries.set(ts.name, fresh);
  if (binding?.autoSave) {
    const key = seriesKey(binding.datasetName, signal.name, ts.name);
    const stored = await binding.storage.exists(key);
    if (stored && tail && tail.tail.length > 0) {
      // Only the recomputed tail: the store rewrites the segments it touches (one new version, same key).
      await binding.storage.update(key, tail.tail, metadata);
    } else await binding.storage.save(key, next, metadata);
    const state = fresh.storageState();
    state.savedTo.add(binding.storage);
    state.container.bind(binding.storage, key);
  }
}
