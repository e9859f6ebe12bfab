import {
  NumericIndex, ProcessingType, type Series, type Transform,
} from '@metaseries/core';
import {
  formatTimestamp, formatWall, invalidInput, parseTimestampText, show, wallToUtc, US_PER_S,
} from '@metaseries/core/backend-kit';
import { makeStep, outputName } from './common.js';

/** Units meteaudata's `normalize_index_to_numeric_delta` accepts, in its order. */
export const NORMALIZE_UNITS = ['D', 'days', 'h', 'hours', 'min', 'minutes', 's', 'seconds', 'ms', 'milliseconds', 'us', 'microseconds', 'ns', 'nanoseconds'] as const;
export type NormalizeUnit = (typeof NORMALIZE_UNITS)[number];

/** `pd.Timedelta(1, unit).total_seconds()` for each unit. */
const UNIT_SECONDS: Record<NormalizeUnit, number> = {
  D: 86400, days: 86400, h: 3600, hours: 3600, min: 60, minutes: 60, s: 1, seconds: 1,
  ms: 0.001, milliseconds: 0.001, us: 1e-6, microseconds: 1e-6, ns: 1e-9, nanoseconds: 1e-9,
};

export function checkNormalizeUnit(unit: unknown): NormalizeUnit {
  if (!(NORMALIZE_UNITS as readonly unknown[]).includes(unit)) {
    throw invalidInput(`Invalid unit ${show(unit)}. Must be one of: ${NORMALIZE_UNITS.join(', ')}`);
  }
  return unit as NormalizeUnit;
}

export interface NormalizedIndex {
  series: Series;
  /** pandas' `type(index).__name__`: DatetimeIndex, RangeIndex or Index. */
  originalIndexType: string;
  /** `str(reference)` as pandas prints it, `"first_index"` for an empty datetime index, or undefined. */
  referenceText: string | undefined;
}

const textOf = (us: number, tz: string | null): string => formatTimestamp(us, tz, { fractionDigits: us % US_PER_S === 0 ? 0 : 6 });

/**
 * Replace the index by float offsets from a reference, in `unit` (meteaudata's
 * `normalize_index_to_numeric_delta`): a datetime index becomes (t − reference) in the
 * unit, the reference being `referenceTime` (wall time localised to the index's zone,
 * or an offset stripped for a naive index, as pandas does) or the first timestamp; a
 * numeric index is kept as float64. Values are untouched.
 *
 * @example normalizeSeriesIndex(s, 'h').series.index.values   // Float64Array [0, 0.1, 0.2, …]
 */
export function normalizeSeriesIndex(series: Series, unit: string = 's', referenceTime: string | Date | null = null): NormalizedIndex {
  const u = checkNormalizeUnit(unit);
  const index = series.index;
  if (index.kind === 'range' || index.kind === 'numeric') {
    return { series: series.withIndex(new NumericIndex(Float64Array.from(index.values), 'float64')), originalIndexType: index.kind === 'range' ? 'RangeIndex' : 'Index', referenceText: undefined };
  }
  if (index.kind !== 'datetime') {
    throw invalidInput(`Unsupported index type for series ${show(series.name)}: a ${index.kind} index. Supported types: datetime, numeric (int/float).`);
  }
  if (index.length === 0) {
    return { series: series.withIndex(new NumericIndex(new Float64Array(0), 'float64')), originalIndexType: 'DatetimeIndex', referenceText: referenceTime === null ? 'first_index' : undefined };
  }
  const tz = index.tz;
  let ref: number, text: string;
  if (referenceTime === null) {
    ref = index.values[0]!;
    text = textOf(ref, tz);
  } else if (referenceTime instanceof Date) {
    const utc = referenceTime.getTime() * 1000;
    if (Number.isNaN(utc)) throw invalidInput('referenceTime is an invalid Date');
    // A Date is an instant (UTC); a naive index reads its UTC wall time.
    ref = utc;
    text = tz === null ? textOf(utc, null) : textOf(utc, 'UTC');
  } else {
    const parsed = typeof referenceTime === 'string' ? parseTimestampText(referenceTime.trim()) : null;
    if (!parsed) throw invalidInput(`Invalid referenceTime ${show(referenceTime)}: expected ISO-8601 text such as "2020-01-01" or "2020-01-01 10:30:00+01:00"`);
    const frac = parsed.wallUs % US_PER_S === 0 ? 0 : 6;
    if (tz === null) {
      ref = parsed.wallUs; // pandas `tz_localize(None)` keeps the wall time and drops the offset
      text = formatWall(ref, { fractionDigits: frac });
    } else if (parsed.offsetS === null) {
      ref = wallToUtc(tz, parsed.wallUs);
      text = textOf(ref, tz);
    } else {
      ref = parsed.wallUs - parsed.offsetS * US_PER_S;
      const sign = parsed.offsetS < 0 ? '-' : '+';
      const abs = Math.abs(parsed.offsetS);
      text = `${formatWall(parsed.wallUs, { fractionDigits: frac })}${sign}${String(Math.floor(abs / 3600)).padStart(2, '0')}:${String(Math.floor((abs % 3600) / 60)).padStart(2, '0')}`;
    }
  }
  const t = index.values;
  const per = UNIT_SECONDS[u];
  const out = new Float64Array(t.length);
  if (per === 1e-9) {
    // pandas (2.3.3) rounds Timedelta(1, "ns").total_seconds() to 0 and meteaudata then divides by
    // zero; give the exact nanosecond offsets instead (documented difference).
    for (let i = 0; i < t.length; i++) out[i] = (t[i]! - ref) * 1000;
  } else {
    // Same two divisions as pandas (total_seconds of microsecond deltas, then / unit seconds).
    for (let i = 0; i < t.length; i++) out[i] = (t[i]! - ref) / 1e6 / per;
  }
  return { series: series.withIndex(new NumericIndex(out, 'float64')), originalIndexType: 'DatetimeIndex', referenceText: text };
}

/**
 * meteaudata's `normalize_index_to_numeric_delta` (FunctionInfo name
 * `normalize_index_to_timedelta`): TRANSFORMATION step, suffix `NORM`, one step per
 * input, parameters `{unit, original_index_type, reference_time?}`.
 *
 * @example await signal.process(['A#1_RAW#1'], normalizeIndex('h'))   // A#1_NORM#1
 */
export function normalizeIndex(unit: string = 's', referenceTime: string | Date | null = null): Transform<unknown> {
  const u = checkNormalizeUnit(unit);
  return (inputs) =>
    inputs.map((s) => {
      const r = normalizeSeriesIndex(s, u, referenceTime);
      const parameters: Record<string, string> = { unit: u, original_index_type: r.originalIndexType };
      if (r.referenceText !== undefined) parameters.reference_time = r.referenceText;
      const step = makeStep({
        type: ProcessingType.TRANSFORMATION,
        description: `Normalized index from ${r.originalIndexType} to numeric values (unit=${u})`,
        suffix: 'NORM',
        name: 'normalize_index_to_timedelta',
        fn: normalizeIndex,
        parameters,
        inputs: [s],
      });
      return { series: r.series.rename(outputName(s, step.suffix)), steps: [step] };
    });
}
