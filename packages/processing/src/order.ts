import { ProcessingType, type Series, type Transform } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { makeStep, outputName, requireNumeric } from './common.js';

/**
 * pandas `s.sort_index(kind='stable')`: ascending index, points with equal keys keep
 * their order. An already sorted series is returned as is (with its frequency).
 *
 * @example sortedSeries(s).index.orderInfo().sorted   // true
 */
export function sortedSeries(series: Series): Series {
  const index = series.index;
  if (index.kind === 'string' || index.kind === 'range' || index.orderInfo().sorted) return series.sortByIndex();
  const order = radixArgsort(index.values);
  return order === null ? series.sortByIndex() : series.take(order);
}

/**
 * Stable ascending order of integer keys (epoch microseconds) by an LSD radix sort on
 * 16-bit digits of `key − min` — 4 linear passes at most instead of a comparison sort
 * (3–4× faster than Array.sort on a million timestamps). Null when a key is not a finite
 * integer: the caller falls back to the comparison sort.
 */
export function radixArgsort(keys: Float64Array): Int32Array | null {
  const n = keys.length;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (!Number.isInteger(k)) return null;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  const lo = new Uint32Array(n), hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const d = keys[i]! - min; // exact: both are integers below 2^53
    lo[i] = d % 4294967296;
    hi[i] = Math.floor(d / 4294967296);
  }
  let order = new Int32Array(n), next = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const span = max - min;
  const count = new Int32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    if (span < 2 ** (16 * pass)) break; // higher digits are all zero
    const word = pass < 2 ? lo : hi;
    const shift = (pass % 2) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((word[i]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let i = 0; i < n; i++) {
      const p = order[i]!;
      next[count[(word[p]! >>> shift) & 0xffff]!++] = p;
    }
    [order, next] = [next, order];
  }
  return order;
}

/**
 * Sorting: SORTING step, suffix `SORTED`, parameters `{kind: 'stable'}`.
 * @example await signal.process(['A#1_RAW#1'], sortIndex())   // A#1_SORTED#1
 */
export function sortIndex(): Transform<unknown> {
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.SORTING,
      description: 'Sorts the points by index, ascending; equal timestamps keep their order (pandas sort_index(kind="stable"))',
      suffix: 'SORTED',
      name: 'sort_index',
      fn: sortIndex,
      parameters: { kind: 'stable' },
      inputs,
    });
    return inputs.map((s) => ({ series: sortedSeries(s).rename(outputName(s, step.suffix)), steps: [step] }));
  };
}

export type KeepDuplicate = 'first' | 'last' | 'mean';
const KEEPS: readonly KeepDuplicate[] = ['first', 'last', 'mean'];

export interface DuplicateOptions {
  /** Which point of a repeated timestamp survives: the first, the last, or one point holding the mean of their non-NaN values. Default 'first'. */
  keep?: KeepDuplicate;
}

function checkKeep(keep: unknown): KeepDuplicate {
  if (!KEEPS.includes(keep as KeepDuplicate)) throw invalidInput(`keep must be one of ${KEEPS.join(', ')}, got ${show(keep)}`);
  return keep as KeepDuplicate;
}

/**
 * For each position, the position of the first point with the same key (group leader).
 * Sorted indexes are one linear scan; others go through a Map.
 */
function groupLeaders(series: Series): Int32Array {
  const n = series.length;
  const leader = new Int32Array(n);
  const index = series.index;
  if (index.kind === 'range') {
    for (let i = 0; i < n; i++) leader[i] = i;
    return leader;
  }
  const keys = index.values as ArrayLike<number | string>;
  if (index.orderInfo().sorted) {
    for (let i = 0; i < n; i++) leader[i] = i > 0 && keys[i] === keys[i - 1] ? leader[i - 1]! : i;
    return leader;
  }
  const first = new Map<number | string, number>();
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const f = first.get(k);
    if (f === undefined) { first.set(k, i); leader[i] = i; } else leader[i] = f;
  }
  return leader;
}

/**
 * One point per index key, in order of first appearance:
 * `first`/`last` equal pandas `s[~s.index.duplicated(keep=…)]`; `mean` equals
 * `s.groupby(level=0, sort=False).mean()` (Kahan-summed, NaN skipped, NaN when all are NaN).
 *
 * @example dedupedSeries(s, 'last')
 */
export function dedupedSeries(series: Series, keep: KeepDuplicate = 'first'): Series {
  checkKeep(keep);
  const n = series.length;
  const leader = groupLeaders(series);
  const isLeader = (i: number): boolean => leader[i] === i;
  let groups = 0;
  for (let i = 0; i < n; i++) if (isLeader(i)) groups++;
  if (groups === n) return series;
  if (keep === 'first' || keep === 'last') {
    const positions = new Int32Array(groups);
    const slotOf = new Int32Array(n);
    let g = 0;
    for (let i = 0; i < n; i++) {
      if (isLeader(i)) { slotOf[i] = g; positions[g++] = i; } else if (keep === 'last') positions[slotOf[leader[i]!]!] = i;
    }
    if (keep === 'first') return series.take(positions);
    // pandas keeps the surviving points in index order: the last copy sits where it occurred.
    return series.take(Int32Array.from(positions).sort());
  }
  const v = requireNumeric(series, 'removeDuplicates(keep="mean")');
  const slotOf = new Int32Array(n);
  const positions = new Int32Array(groups);
  const sum = new Float64Array(groups), comp = new Float64Array(groups), count = new Float64Array(groups);
  let g = 0;
  for (let i = 0; i < n; i++) {
    const slot = isLeader(i) ? (positions[g] = i, slotOf[i] = g++) : slotOf[leader[i]!]!;
    const x = v[i]!;
    if (x !== x) continue;
    count[slot] = count[slot]! + 1;
    const y = x - comp[slot]!;
    const t = sum[slot]! + y;
    comp[slot] = t - sum[slot]! - y;
    sum[slot] = t;
  }
  const out = new Float64Array(groups);
  for (let k = 0; k < groups; k++) out[k] = count[k]! > 0 ? sum[k]! / count[k]! : Number.NaN;
  return series.take(positions).withValues(out, 'float64');
}

/**
 * Duplicate removal: REMOVE_DUPLICATES step, suffix `DEDUP`, parameters `{keep}`.
 * @example await signal.process(['A#1_RAW#1'], removeDuplicates({ keep: 'mean' }))   // A#1_DEDUP#1
 */
export function removeDuplicates(options: DuplicateOptions = {}): Transform<unknown> {
  const keep = checkKeep(options.keep ?? 'first');
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.REMOVE_DUPLICATES,
      description: keep === 'mean'
        ? 'Replaces the points of each repeated timestamp by one point holding the mean of their values'
        : `Keeps the ${keep} point of each repeated timestamp (pandas ~index.duplicated(keep="${keep}"))`,
      suffix: 'DEDUP',
      name: 'remove_duplicates',
      fn: removeDuplicates,
      parameters: { keep },
      inputs,
    });
    return inputs.map((s) => ({ series: dedupedSeries(s, keep).rename(outputName(s, step.suffix)), steps: [step] }));
  };
}
