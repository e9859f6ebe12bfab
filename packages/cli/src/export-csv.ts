import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { MetaseriesError, type ProgressOptions, type Series, type Storage } from '@metaseries/core';
import { isCatalogKey, show, throwIfAborted, formatTimestamp, csvField } from '@metaseries/core/backend-kit';

/** A value as CSV text: NaN and null are empty cells. */
export function valueText(v: number | boolean | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return v;
}

/**
 * Write every series of a dataset into one wide CSV: a `time` column (the union of all
 * timestamps, sorted) and one column per series (`<signal>_<series>`), empty where a
 * series has no point. Reads back with `ingest`.
 */
export async function exportCsv(storage: Storage, dataset: string, out: string, options: ProgressOptions = {}): Promise<{ columns: string[]; rows: number }> {
  const keys = (await storage.listKeys(`${dataset}/`)).filter((k) => k.split('/')[0] === dataset && !isCatalogKey(k));
  if (keys.length === 0) throw new MetaseriesError('NOT_FOUND', `No series under dataset ${show(dataset)} in the ${storage.kind} store`);
  const loaded: { name: string; series: Series }[] = [];
  for (const [i, key] of keys.entries()) {
    throwIfAborted(options.signal, `export of ${show(dataset)}`, `${i} of ${keys.length} series read, nothing written`);
    const [, signal, part] = key.split('/');
    const { series } = await storage.load(key);
    if (series.index.kind !== 'datetime') throw new MetaseriesError('UNSUPPORTED', `CSV export needs time-indexed series; ${show(key)} has a ${series.index.kind} index`);
    loaded.push({ name: `${signal}_${part}`, series });
    options.onProgress?.({ done: i + 1, total: keys.length, unit: 'series', key });
  }
  const tz = loaded[0]!.series.index.kind === 'datetime' ? (loaded[0]!.series.index as { tz: string | null }).tz : null;
  const all = new Set<number>();
  for (const { series } of loaded) for (const t of series.index.values as Float64Array) all.add(t);
  const times = Float64Array.from(all).sort();
  const cursors = loaded.map(() => 0);
  const stream = createWriteStream(out);
  const header = ['time', ...loaded.map((l) => l.name)].map((h) => csvField(h, ',')).join(',');
  let buf = `${header}\n`;
  for (const t of times) {
    let row = formatTimestamp(t, tz);
    for (const [j, { series }] of loaded.entries()) {
      const idx = series.index.values as Float64Array;
      let c = cursors[j]!;
      while (c < idx.length && idx[c]! < t) c++;
      cursors[j] = c;
      const v = c < idx.length && idx[c] === t ? series.values[c] : null;
      row += `,${csvField(valueText(v as number | string | null), ',')}`;
    }
    buf += `${row}\n`;
    if (buf.length > 1 << 16) { if (!stream.write(buf)) await new Promise<void>((r) => stream.once('drain', () => r())); buf = ''; }
  }
  stream.end(buf);
  await finished(stream);
  return { columns: loaded.map((l) => l.name), rows: times.length };
}
