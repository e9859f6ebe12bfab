import type { SeriesMetadata } from '../model/wire.js';
import type { Aggregation } from '../series/group-aggregate.js';

/**
 * A rollup (issue 17): a stored series whose last step is meteaudata's `resample`
 * (RESAMPLING, the aggregation in its parameters) — what `signal.rollup` makes, and what
 * `signal.process([...], resample(...))` makes too. Read from the series metadata alone.
 */
export interface RollupSpec {
  /** The input series' full name (`A#1_RAW#1`), from the step's `input_series_names`. */
  input: string;
  /** The resample frequency as recorded (`'1h'`, `'1D'`…). */
  every: string;
  aggregation: Aggregation;
  /** For `percentile`. */
  q: number | null;
}

/** The rollup a series is, from its metadata; null when its last step is not a one-input `resample`. */
export function rollupOf(metadata: SeriesMetadata | null | undefined): RollupSpec | null {
  const step = metadata?.processing_steps?.at(-1);
  if (!step || step.type !== 'resampling' || step.function_info?.name !== 'resample' || step.input_series_names?.length !== 1) return null;
  const p = step.parameters ?? {};
  if (typeof p.frequency !== 'string') return null;
  const aggregation = (typeof p.aggregation === 'string' ? p.aggregation : 'mean') as Aggregation;
  return { input: step.input_series_names[0]!, every: p.frequency, aggregation, q: typeof p.q === 'number' ? p.q : null };
}
