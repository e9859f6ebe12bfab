import pl from 'nodejs-polars';
import type { KeyRangeMicros } from '@metaseries/core/backend-kit';
import type { LayoutBlock } from './sidecar.js';

const ROW = '__metaseries_row__';

/** An inclusive range filter on the index column, in the column's own type so Parquet statistics prune row groups. */
export function rangePredicate(layout: LayoutBlock, range: KeyRangeMicros): pl.Expr {
  const li = layout.index;
  if (li.kind === 'range' || li.kind === 'string') throw new Error(`no range predicate for a ${li.kind} index`);
  const col = pl.col(li.column);
  const parts: pl.Expr[] = [];
  const literal = (x: number, up: boolean): pl.Expr => {
    if (li.kind === 'datetime') {
      // Bounds are microseconds; keys are whole microseconds, so round inwards.
      const us = BigInt(up ? Math.ceil(x) : Math.floor(x));
      return pl.lit(us).cast(li.tz ? pl.Datetime('us', li.tz) : pl.Datetime('us'));
    }
    if (li.dtype === 'int64') return pl.lit(BigInt(up ? Math.ceil(x) : Math.floor(x)));
    return pl.lit(x);
  };
  if (range.from !== undefined && range.from !== -Infinity) {
    if (range.from === Infinity) return pl.lit(false);
    parts.push(col.gtEq(literal(range.from, true)));
  }
  if (range.to !== undefined && range.to !== Infinity) {
    if (range.to === -Infinity) return pl.lit(false);
    parts.push(col.ltEq(literal(range.to, false)));
  }
  if (parts.length === 0) return pl.lit(true);
  return parts.length === 1 ? parts[0]! : parts[0]!.and(parts[1]!);
}

/**
 * Positions [start, end) of the keys in `range`, for a sorted index: reads only the
 * index column of the row groups the statistics do not rule out.
 */
export async function rowSpan(
  path: string,
  layout: LayoutBlock,
  range: KeyRangeMicros,
  guard: (read: () => Promise<pl.DataFrame>) => Promise<pl.DataFrame>,
): Promise<[number, number]> {
  const li = layout.index;
  if (li.kind === 'range' || li.kind === 'string') return [0, layout.length];
  const frame = await guard(() =>
    pl.scanParquet(path, { rowIndexName: ROW })
      .filter(rangePredicate(layout, range))
      .select(pl.col(ROW).min().alias('lo'), pl.col(ROW).max().alias('hi'))
      .collect(),
  );
  const lo = frame.getColumn('lo').get(0) as number | bigint | null;
  const hi = frame.getColumn('hi').get(0) as number | bigint | null;
  if (lo === null || hi === null || lo === undefined || hi === undefined) return [0, 0];
  return [Number(lo), Number(hi) + 1];
}
