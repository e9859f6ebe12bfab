import {
  DatetimeIndex, DataProvenance, ProcessingType, Series, Signal, TimeSeries, type DataProvenanceInit, type DatasetTransform,
} from '@metaseries/core';
import {
  invalidInput, show,
} from '@metaseries/core/backend-kit';
import type { Frequency } from '@metaseries/core';
import { AVERAGE_REFERENCE, makeStep, requireDatetime, requireNumeric } from './common.js';

const TICKS: [number, string][] = [[86_400_000_000, 'D'], [3_600_000_000, 'h'], [60_000_000, 'min'], [1_000_000, 's'], [1000, 'ms'], [1, 'us']];

/**
 * pandas sets the union's frequency with `_with_freq("infer")`: a regular spacing of at
 * least 3 points gets its alias (`min`, `2h`, `D`); anything else none. Weekly and
 * calendar spacings are not inferred here.
 */
function inferTickFrequency(keys: Float64Array): string | null {
  if (keys.length < 3) return null;
  const step = keys[1]! - keys[0]!;
  for (let i = 2; i < keys.length; i++) if (keys[i]! - keys[i - 1]! !== step) return null;
  if (step % (7 * 86_400_000_000) === 0) return null;
  for (const [us, unit] of TICKS) if (step % us === 0) return `${step / us === 1 ? '' : step / us}${unit}`;
  return null;
}

/**
 * Outer-join `series` on the union of their timestamps and average each row, skipping
 * NaN (pandas `concat(axis=1).mean(axis=1)`: NaN only where every input is NaN or
 * absent). Sums in input order, so results equal pandas' bit for bit. When all indexes
 * are identical the index (and its frequency) is kept; otherwise it is the sorted union.
 *
 * @example averageSeries([a, b]).values
 */
export function averageSeries(series: readonly Series[]): Series {
  if (series.length === 0) throw invalidInput('averageSeries needs at least one series');
  const indexes = series.map((s) => requireDatetime(s, 'averageSignals'));
  const values = series.map((s) => requireNumeric(s, 'averageSignals'));
  const tz = indexes[0]!.tz;
  for (const [i, idx] of indexes.entries()) {
    if (idx.tz !== tz) throw invalidInput(`averageSignals: series ${show(series[i]!.name)} is in time zone ${show(idx.tz)} but ${show(series[0]!.name)} is in ${show(tz)}`);
  }
  const same = indexes.every((idx) => idx.length === indexes[0]!.length && idx.values.every((v, j) => v === indexes[0]!.values[j]));
  let keys: Float64Array;
  let freq: Frequency | string | null = null;
  if (same) {
    keys = indexes[0]!.values;
    freq = indexes[0]!.freq;
  } else {
    const all = new Float64Array(indexes.reduce((n, idx) => n + idx.length, 0));
    let o = 0;
    for (const idx of indexes) { all.set(idx.values, o); o += idx.length; }
    all.sort();
    let m = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[m - 1]) all[m++] = all[i]!;
    keys = all.slice(0, m);
    freq = inferTickFrequency(keys);
  }
  const sum = new Float64Array(keys.length);
  const count = new Float64Array(keys.length);
  for (const [i, idx] of indexes.entries()) {
    const v = values[i]!;
    const t = idx.values;
    let p = 0;
    for (let j = 0; j < t.length; j++) {
      const x = v[j]!;
      if (same) p = j;
      else while (keys[p]! < t[j]!) p++;
      if (x === x) { sum[p]! += x; count[p]! += 1; }
    }
  }
  const out = new Float64Array(keys.length);
  for (let k = 0; k < keys.length; k++) out[k] = count[k] === 0 ? Number.NaN : sum[k]! / count[k]!;
  return new Series({ index: new DatetimeIndex(keys, { tz, freq, name: indexes[0]!.name, unit: indexes[0]!.unit }), values: out, name: 'AVERAGE_RAW', dtype: 'float64' });
}

/**
 * meteaudata's dataset-level `average_signals`: one new signal `AVERAGE` whose series
 * `AVERAGE#n_RAW#1` is the NaN-skipping mean of the inputs (DIMENSIONALITY_REDUCTION
 * step, suffix `RAW`, no parameters, as Python). With `checkUnits` the inputs must share
 * units (INVALID_INPUT otherwise); without, the first input's units are used (Python
 * picks an arbitrary one). An input listed twice counts once.
 *
 * @example await dataset.process(['A#1_RAW#1', 'B#1_RAW#1'], averageSignals())   // signal AVERAGE#1
 */
export function averageSignals(finalProvenance: DataProvenance | DataProvenanceInit | null = null, checkUnits = true): DatasetTransform<unknown> {
  const transform: DatasetTransform<unknown> = async (signals, inputTsNames) => {
    const units = [...new Set(signals.map((s) => s.units))];
    if (checkUnits && units.length > 1) {
      throw invalidInput(`Signals have different units: {${units.map((u) => show(u)).join(', ')}}. Please provide signals with the same units.`);
    }
    const step = makeStep({
      type: ProcessingType.DIMENSIONALITY_REDUCTION,
      description: 'The artithmetic mean of input time series.',
      suffix: 'RAW',
      name: 'Signal Averaging',
      reference: AVERAGE_REFERENCE,
      fn: averageSignals,
      parameters: null,
      inputs: inputTsNames,
    });
    const seen = new Map<string, Series>();
    for (const [i, name] of inputTsNames.entries()) {
      if (!seen.has(name)) seen.set(name, (await signals[i]!.get(name).load()).rename(name));
    }
    const average = averageSeries([...seen.values()]);
    const provenance = finalProvenance ?? signals[0]!.provenance;
    // The signal names its series AVERAGE#1_RAW#1 (Python: "AVERAGE_RAW" read by new_ts_name).
    return [new Signal({ name: 'AVERAGE', units: units[0] ?? 'unit', provenance, data: new TimeSeries({ series: average.rename('RAW'), processingSteps: [step] }) })];
  };
  return transform;
}
